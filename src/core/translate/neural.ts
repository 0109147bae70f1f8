/**
 * Neural machine translation with transformers.js (`pipeline('translation', …)` on onnxruntime-node):
 * Marian (opus-mt-*), NLLB-200 and M2M100 (and mBART-50) encoder–decoder models, exported to ONNX
 * as `onnx/encoder_model.onnx` + `onnx/decoder_model_merged.onnx` (the layout of the Xenova/
 * onnx-community hub repositories).
 *
 * Language codes are per family (./languages.ts): NLLB wants `rus_Cyrl`/`eng_Latn`, M2M100 `ru`/`en`,
 * mBART-50 `ru_RU`/`en_XX`; a Marian pair model takes no codes and refuses other pairs; a Marian
 * multi-target model gets `>>xxx<<` in front of the source. Texts are split into sentences
 * (Intl.Segmenter) and translated in batches; each text's latency is its share of the batch time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseDevice } from '../models/device';
import { defaultCacheDir, fileRevision, transformers } from '../models/runtime';
import type { DeviceChoice } from '../models/types';
import { sentenceSpans } from '../text/sentences';
import { toIso1 } from './dictionary/languages';
import { familyCode, ISO1_TO_3, LanguageCodeError, TranslationFamily } from './languages';
import type { QueryTranslator, TranslateOptions, TranslationOutput } from './types';

export interface TranslationModelPreset {
  name: string;
  /** Hugging Face hub id (ONNX export) or local folder. */
  source: string;
  family: TranslationFamily;
  /** Fixed pair of a Marian pair model (ISO 639-1); `src` absent for many-to-one models (opus-mt-mul-en). */
  pair?: { src?: string; tgt?: string };
  /** Marian multi-target models: the `>>xx<<` token uses ISO 639-1 ('iso1') or ISO 639-3 ('iso3') codes. */
  targetToken?: 'iso1' | 'iso3';
  dtype: string;
  description: string;
}

/** Catalogue of real translation models (ONNX exports on the hub). */
export const TRANSLATION_MODELS: TranslationModelPreset[] = [
  { name: 'opus-mt-ru-en', source: 'Xenova/opus-mt-ru-en', family: 'marian', pair: { src: 'ru', tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) Russian→English, ~75M parameters' },
  { name: 'opus-mt-de-en', source: 'Xenova/opus-mt-de-en', family: 'marian', pair: { src: 'de', tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) German→English' },
  { name: 'opus-mt-en-de', source: 'Xenova/opus-mt-en-de', family: 'marian', pair: { src: 'en', tgt: 'de' }, dtype: 'q8', description: 'Marian (OPUS-MT) English→German' },
  { name: 'opus-mt-zh-en', source: 'Xenova/opus-mt-zh-en', family: 'marian', pair: { src: 'zh', tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) Chinese→English' },
  { name: 'opus-mt-fr-en', source: 'Xenova/opus-mt-fr-en', family: 'marian', pair: { src: 'fr', tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) French→English' },
  { name: 'opus-mt-es-en', source: 'Xenova/opus-mt-es-en', family: 'marian', pair: { src: 'es', tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) Spanish→English' },
  { name: 'opus-mt-mul-en', source: 'Xenova/opus-mt-mul-en', family: 'marian', pair: { tgt: 'en' }, dtype: 'q8', description: 'Marian (OPUS-MT) many languages→English (no source code needed)' },
  { name: 'opus-mt-en-mul', source: 'Xenova/opus-mt-en-mul', family: 'marian', pair: { src: 'en' }, targetToken: 'iso3', dtype: 'q8', description: 'Marian (OPUS-MT) English→many languages (target token >>rus<< etc.)' },
  { name: 'nllb-200-distilled-600m', source: 'Xenova/nllb-200-distilled-600M', family: 'nllb', dtype: 'q8', description: 'NLLB-200 distilled 600M, 200 languages (FLORES-200 codes: rus_Cyrl, eng_Latn, …)' },
  { name: 'm2m100-418m', source: 'Xenova/m2m100_418M', family: 'm2m100', dtype: 'q8', description: 'M2M100 418M, 100 languages (ISO codes: ru, en, …)' },
  { name: 'mbart-50-many-to-many', source: 'Xenova/mbart-large-50-many-to-many-mmt', family: 'mbart50', dtype: 'q8', description: 'mBART-50 many-to-many (codes ru_RU, en_XX, …)' },
];

const DTYPE_SUFFIX: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };

export interface ResolvedTranslationModel {
  preset: TranslationModelPreset;
  location: 'local' | 'hub';
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Family, pair and dtype of a local model folder (config.json + tokenizer_config.json, optional clir-model.json). */
export function presetFromTranslationFolder(dir: string): TranslationModelPreset {
  const config = readJson(path.join(dir, 'config.json'));
  if (!config) throw new Error(`${dir} is not a model folder (no readable config.json)`);
  const tokCfg = readJson(path.join(dir, 'tokenizer_config.json')) ?? {};
  const clir = readJson(path.join(dir, 'clir-model.json')) ?? {};
  const type = String(config.model_type ?? '');
  const tokClass = String(tokCfg.tokenizer_class ?? '');
  let family: TranslationFamily;
  if (typeof clir.family === 'string') family = clir.family as TranslationFamily;
  else if (type === 'marian') family = 'marian';
  else if (/nllb/i.test(tokClass)) family = 'nllb';
  else if (type === 'm2m_100') family = 'm2m100';
  else if (type === 'mbart' && /mbart50/i.test(tokClass)) family = 'mbart50';
  else throw new Error(`${dir}: model_type "${type}" / tokenizer "${tokClass}" is not a supported translation family (marian, nllb, m2m100, mbart50)`);
  let pair = clir.pair as TranslationModelPreset['pair'] | undefined;
  const m = /opus-mt-([a-z]{2,3})-([a-z]{2,3})(?:$|[^a-z])/i.exec(path.basename(dir));
  if (!pair && family === 'marian' && m) pair = { src: m[1] === 'mul' ? undefined : m[1], tgt: m[2] === 'mul' ? undefined : m[2] };
  const dtype =
    (clir.dtype as string | undefined) ??
    Object.keys(DTYPE_SUFFIX).find((d) => fs.existsSync(path.join(dir, 'onnx', `decoder_model_merged${DTYPE_SUFFIX[d]}.onnx`))) ??
    'fp32';
  return {
    name: (clir.name as string | undefined) ?? path.basename(dir),
    source: path.resolve(dir),
    family,
    pair,
    targetToken: clir.targetToken as TranslationModelPreset['targetToken'],
    dtype,
    description: (clir.description as string | undefined) ?? `local ${family} model`,
  };
}

/** Catalogue name, local folder (path or a sub-folder of `localModelDirs`) or hub id. */
export function resolveTranslationModel(spec: string, opts: { localModelDirs?: string[] } = {}): ResolvedTranslationModel {
  const cat = TRANSLATION_MODELS.find((p) => p.name === spec || p.source === spec);
  if (cat) return { preset: cat, location: 'hub' };
  if (fs.existsSync(path.join(spec, 'config.json'))) return { preset: presetFromTranslationFolder(spec), location: 'local' };
  for (const d of opts.localModelDirs ?? []) {
    const dir = path.join(d, spec);
    if (fs.existsSync(path.join(dir, 'config.json'))) return { preset: presetFromTranslationFolder(dir), location: 'local' };
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(spec)) {
    const family: TranslationFamily | undefined = /nllb/i.test(spec)
      ? 'nllb'
      : /m2m100/i.test(spec)
        ? 'm2m100'
        : /mbart-large-50/i.test(spec)
          ? 'mbart50'
          : /opus-mt|marian/i.test(spec)
            ? 'marian'
            : undefined;
    if (!family) throw new Error(`cannot tell the translation family of "${spec}": use a catalogue name (${TRANSLATION_MODELS.map((p) => p.name).join(', ')}) or a local folder`);
    const m = /opus-mt-([a-z]{2,3})-([a-z]{2,3})$/i.exec(spec);
    const pair = family === 'marian' && m ? { src: m[1] === 'mul' ? undefined : m[1], tgt: m[2] === 'mul' ? undefined : m[2] } : undefined;
    return { preset: { name: spec, source: spec, family, pair, dtype: 'q8', description: `hub ${family} model` }, location: 'hub' };
  }
  throw new Error(`unknown translation model "${spec}": not in the catalogue (${TRANSLATION_MODELS.map((p) => p.name).join(', ')}), not a model folder, not a hub id`);
}

/** transformers.js generation arguments + source prefix for a language pair, per family. */
export function languageArguments(preset: TranslationModelPreset, src: string, tgt: string): { generate: Record<string, string>; prefix: string } {
  const s = toIso1(src);
  const t = toIso1(tgt);
  switch (preset.family) {
    case 'marian': {
      if (preset.pair?.src && s !== preset.pair.src) throw new LanguageCodeError(`${preset.name} translates from ${preset.pair.src} only, not from ${src}`);
      if (preset.pair?.tgt && t !== preset.pair.tgt) throw new LanguageCodeError(`${preset.name} translates into ${preset.pair.tgt} only, not into ${tgt}`);
      if (!preset.targetToken) return { generate: {}, prefix: '' };
      const code = preset.targetToken === 'iso3' ? (ISO1_TO_3[t] ?? t) : t;
      return { generate: {}, prefix: `>>${code}<< ` };
    }
    case 'nllb':
    case 'm2m100':
    case 'mbart50':
      return { generate: { src_lang: familyCode(preset.family, src), tgt_lang: familyCode(preset.family, tgt) }, prefix: '' };
  }
}

export interface NeuralTranslatorOptions {
  cacheDir?: string;
  localModelDirs?: string[];
  device?: DeviceChoice;
  dtype?: string;
  /** Sentences per generate() call (default 8). */
  batchSize?: number;
  maxNewTokens?: number;
  log?: (msg: string) => void;
}

type TranslationPipe = ((texts: string[], kwargs: Record<string, unknown>) => Promise<{ translation_text: string }[]>) & {
  dispose(): Promise<unknown>;
};

const NO_SPACE_LANGS = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my']);

export class NeuralTranslator implements QueryTranslator {
  readonly kind = 'neural' as const;
  readonly cacheable = true;
  readonly id: string;

  private constructor(
    readonly preset: TranslationModelPreset,
    private readonly pipe: TranslationPipe,
    readonly revision: string,
    readonly provider: string,
    private readonly opts: NeuralTranslatorOptions,
  ) {
    this.id = `mt:${preset.source}@${revision}${preset.dtype !== 'fp32' ? `#${preset.dtype}` : ''}`;
  }

  get pair(): { src?: string; tgt?: string } | undefined {
    return this.preset.pair;
  }

  static async load(spec: string, opts: NeuralTranslatorOptions = {}): Promise<NeuralTranslator> {
    const { preset: base, location } = resolveTranslationModel(spec, opts);
    const preset = { ...base, dtype: opts.dtype ?? base.dtype };
    const suffix = DTYPE_SUFFIX[preset.dtype];
    if (suffix === undefined) throw new Error(`unknown dtype "${preset.dtype}" (expected one of ${Object.keys(DTYPE_SUFFIX).join(', ')})`);
    const cacheDir = path.resolve(opts.cacheDir ?? defaultCacheDir());
    const local = location === 'local';
    const decoderFile = `onnx/decoder_model_merged${suffix}.onnx`;
    if (local && !fs.existsSync(path.join(preset.source, decoderFile))) {
      throw new Error(`translation model folder ${preset.source} has no ${decoderFile} (dtype "${preset.dtype}")`);
    }
    const tf = await transformers();
    const decision = chooseDevice(opts.device ?? 'auto', 'query');
    const common: Record<string, unknown> = local ? { local_files_only: true } : { cache_dir: cacheDir };
    const load = async (device: string) =>
      (await tf.pipeline('translation', preset.source, { ...common, dtype: preset.dtype, device } as never)) as unknown as TranslationPipe;
    let pipe: TranslationPipe;
    let provider = decision.device as string;
    try {
      pipe = await load(decision.device);
    } catch (e) {
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      if (decision.device === 'cpu') {
        if (local) throw new Error(`could not load translation model ${preset.source}: ${msg}`);
        throw new Error(
          `could not load translation model "${preset.source}": not in the model cache (${cacheDir}) and not downloadable (${msg}); download it once or use a local model folder`,
        );
      }
      opts.log?.(`${decision.device} failed for ${preset.name} (${msg}); using cpu`);
      provider = 'cpu';
      pipe = await load('cpu');
    }
    const folder = local ? preset.source : path.join(cacheDir, ...preset.source.split('/'));
    const onnx = path.join(folder, ...decoderFile.split('/'));
    const revision = fs.existsSync(onnx) ? fileRevision(onnx) : 'unknown';
    return new NeuralTranslator(preset, pipe, revision, provider, opts);
  }

  async translate(text: string, src: string, tgt: string, opts?: TranslateOptions): Promise<TranslationOutput> {
    return (await this.translateBatch([text], src, tgt, opts))[0];
  }

  async translateBatch(texts: string[], src: string, tgt: string, opts: TranslateOptions = {}): Promise<TranslationOutput[]> {
    const args = languageArguments(this.preset, src, tgt);
    const sentences: { text: number; s: string }[] = [];
    texts.forEach((t, i) => {
      for (const sp of sentenceSpans(t)) sentences.push({ text: i, s: t.slice(sp.start, sp.end) });
    });
    const outputs: string[][] = texts.map(() => []);
    const latency = texts.map(() => 0);
    const batchSize = Math.max(1, this.opts.batchSize ?? 8);
    for (let i = 0; i < sentences.length; i += batchSize) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      const batch = sentences.slice(i, i + batchSize);
      const t0 = performance.now();
      const res = await this.pipe(
        batch.map((b) => args.prefix + b.s),
        { ...args.generate, max_new_tokens: this.opts.maxNewTokens ?? 256 },
      );
      const share = (performance.now() - t0) / batch.length;
      batch.forEach((b, k) => {
        outputs[b.text].push(res[k].translation_text.trim());
        latency[b.text] += share;
      });
    }
    const sep = NO_SPACE_LANGS.has(toIso1(tgt)) ? '' : ' ';
    return texts.map((_, i) => ({ text: outputs[i].join(sep), latencyMs: latency[i] }));
  }

  async dispose(): Promise<void> {
    await this.pipe.dispose();
  }
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}
