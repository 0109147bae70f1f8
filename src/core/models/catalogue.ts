/**
 * Model catalogue (models/catalogue.json) + user local model folders + model resolution.
 * No `vscode` import.
 */
import { ensureDemoModels } from './demo';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import catalogueJson from '../../../models/catalogue.json';
import type { LocalModelDescriptor, ModelPreset, Pooling, ResolvedModel } from './types';

const POOLINGS: Pooling[] = ['mean', 'cls', 'last', 'none'];
/** Sources of the form `demo:<bert|xlmr|reranker|misaligned>` are generated on demand. */
export const DEMO_SOURCE_PREFIX = 'demo:';
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export interface ResolveOptions {
  localModelDirs?: string[];
  /** Default kind for a bare hub id or a folder without hints. */
  kind?: 'encoder' | 'reranker';
  demoModelsDir?: string;
  demoLexiconPath?: string;
}

/** The built-in presets (a fresh copy). */
export function cataloguePresets(): ModelPreset[] {
  return (catalogueJson as { models: ModelPreset[] }).models.map((m) => ({ ...m }));
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** True when `dir` looks like a transformers.js model folder. */
export function isModelFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json'));
}

function defaultDtype(dir: string): string {
  const onnx = path.join(dir, 'onnx');
  if (fs.existsSync(path.join(onnx, 'model.onnx'))) return 'fp32';
  if (fs.existsSync(path.join(onnx, 'model_quantized.onnx'))) return 'q8';
  const known: [string, string][] = [
    ['model_fp16.onnx', 'fp16'],
    ['model_int8.onnx', 'int8'],
    ['model_uint8.onnx', 'uint8'],
    ['model_q4.onnx', 'q4'],
  ];
  for (const [f, d] of known) if (fs.existsSync(path.join(onnx, f))) return d;
  return 'fp32';
}

/** Builds a preset for a local model folder from its config.json, tokenizer_config.json and optional clir-model.json. */
export function presetFromFolder(dir: string, fallbackKind: 'encoder' | 'reranker' = 'encoder'): ModelPreset {
  const abs = path.resolve(dir);
  if (!isModelFolder(abs)) throw new Error(`"${abs}" is not a model folder (no config.json)`);
  const config = readJson(path.join(abs, 'config.json')) ?? {};
  const tokCfg = readJson(path.join(abs, 'tokenizer_config.json')) ?? {};
  const desc = (readJson(path.join(abs, 'clir-model.json')) ?? {}) as LocalModelDescriptor;
  const archs = Array.isArray(config.architectures) ? (config.architectures as string[]) : [];
  const kind = desc.kind ?? (archs.some((a) => /ForSequenceClassification$/.test(a)) ? 'reranker' : fallbackKind);
  const modelType = String(config.model_type ?? '');
  const offset = /roberta|camembert|xlm-roberta/.test(modelType) ? 2 : 0;
  const limits: number[] = [];
  const tml = Number(tokCfg.model_max_length);
  if (Number.isFinite(tml) && tml > 0 && tml < 1e6) limits.push(tml);
  const mpe = Number(config.max_position_embeddings);
  if (Number.isFinite(mpe) && mpe > offset) limits.push(mpe - offset);
  const maxLength = desc.maxLength ?? (limits.length ? Math.min(...limits) : 512);
  const pooling = desc.pooling && POOLINGS.includes(desc.pooling) ? desc.pooling : kind === 'reranker' ? 'none' : 'mean';
  return {
    name: desc.name ?? path.basename(abs),
    kind,
    source: abs,
    pooling,
    normalize: desc.normalize ?? kind === 'encoder',
    queryPrefix: desc.queryPrefix ?? '',
    passagePrefix: desc.passagePrefix ?? '',
    maxLength,
    dtype: desc.dtype ?? defaultDtype(abs),
    description: desc.description ?? `Local model folder ${abs}`,
  };
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** Local model folders found in `dirs` (a dir that is itself a model counts too). */
export function localModels(dirs: string[] = []): ModelPreset[] {
  const out: ModelPreset[] = [];
  for (const raw of dirs) {
    const dir = path.resolve(expandHome(raw));
    if (!fs.existsSync(dir)) continue;
    if (isModelFolder(dir)) {
      out.push(presetFromFolder(dir));
      continue;
    }
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const sub = path.join(dir, e.name);
      if (e.isDirectory() && isModelFolder(sub)) {
        try {
          out.push(presetFromFolder(sub));
        } catch {
          /* unreadable folder: skip */
        }
      }
    }
  }
  return out;
}

/** Catalogue presets followed by the user's local model folders (local names that clash with the catalogue are skipped). */
export function listModels(localDirs: string[] = []): ModelPreset[] {
  const cat = cataloguePresets();
  const names = new Set(cat.map((m) => m.name.toLowerCase()));
  return [...cat, ...localModels(localDirs).filter((m) => !names.has(m.name.toLowerCase()))];
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** Names close to `spec` (edit distance or substring), best first. */
export function closeNames(spec: string, names: string[], max = 5): string[] {
  const s = spec.toLowerCase();
  return names
    .map((n) => {
      const l = n.toLowerCase();
      let d = levenshtein(s, l);
      if (l.includes(s) || s.includes(l)) d = Math.min(d, 1);
      return { n, d };
    })
    .filter((x) => x.d <= Math.max(2, Math.floor(x.n.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((x) => x.n);
}

function looksLikePath(spec: string): boolean {
  return path.isAbsolute(spec) || spec.startsWith('.') || spec.startsWith('~') || spec.includes('\\') || (fs.existsSync(spec) && fs.statSync(spec).isDirectory());
}

async function demoFolder(source: string, opts: ResolveOptions): Promise<string> {
  const which = source.slice(DEMO_SOURCE_PREFIX.length) as 'bert' | 'xlmr' | 'reranker' | 'misaligned';
  const folders = await ensureDemoModels({ outDir: opts.demoModelsDir, lexiconPath: opts.demoLexiconPath });
  const dir = folders[which];
  if (!dir) throw new Error(`Unknown demo model source "${source}"`);
  return dir;
}

/**
 * Resolves a catalogue name, a local model name, a folder path or a hub id to a preset and
 * where to load it from. Unknown names throw with a list of close names.
 */
export async function resolveModel(spec: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const trimmed = spec.trim();
  if (!trimmed) throw new Error('No model given');
  const cat = cataloguePresets();
  const byName = cat.find((m) => m.name.toLowerCase() === trimmed.toLowerCase());
  if (byName) {
    if (byName.source.startsWith(DEMO_SOURCE_PREFIX)) {
      const dir = await demoFolder(byName.source, opts);
      return { preset: { ...byName, source: dir }, location: 'local', source: dir };
    }
    if (path.isAbsolute(byName.source)) return { preset: byName, location: 'local', source: byName.source };
    return { preset: byName, location: 'hub', source: byName.source };
  }
  const locals = localModels(opts.localModelDirs ?? []);
  const local = locals.find((m) => m.name.toLowerCase() === trimmed.toLowerCase());
  if (local) return { preset: local, location: 'local', source: local.source };

  if (looksLikePath(trimmed)) {
    const dir = path.resolve(expandHome(trimmed));
    if (!fs.existsSync(dir)) throw new Error(`Model folder not found: ${dir}`);
    const preset = presetFromFolder(dir, opts.kind);
    return { preset, location: 'local', source: dir };
  }
  if (HUB_ID.test(trimmed)) {
    const known = cat.find((m) => m.source.toLowerCase() === trimmed.toLowerCase());
    if (known) return { preset: { ...known }, location: 'hub', source: known.source };
    const kind = opts.kind ?? 'encoder';
    const preset: ModelPreset = {
      name: trimmed,
      kind,
      source: trimmed,
      pooling: kind === 'reranker' ? 'none' : 'mean',
      normalize: kind === 'encoder',
      queryPrefix: '',
      passagePrefix: '',
      maxLength: 512,
      dtype: 'fp32',
      description: `Hugging Face model ${trimmed} (not in the catalogue: mean pooling, no prefixes, 512 tokens assumed)`,
    };
    return { preset, location: 'hub', source: trimmed };
  }
  const names = [...cat.map((m) => m.name), ...locals.map((m) => m.name)];
  const close = closeNames(trimmed, names);
  throw new Error(
    `Unknown model "${trimmed}".` +
      (close.length ? ` Did you mean: ${close.join(', ')}?` : '') +
      ` Use a catalogue name (${cat.map((m) => m.name).slice(0, 4).join(', ')}, ...), a Hugging Face id (owner/name) or a local model folder.`,
  );
}
