/**
 * The `clir` cell language: YAML parsed with positions, validated against the cell schema (Ajv),
 * plus semantic checks (pipeline expressions, measure names, one collection source). Every problem
 * names the line (1-based) and column. Also completion and hover for editors. No vscode import.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Document } from 'yaml';
import { parseMeasure } from '../eval/measures';
import { parsePipeline } from '../pipeline/spec';
import { CORRECTIONS, DEVICES, JsonSchema, schemaAt, STEP_KINDS, STEP_SCHEMAS, StepKind, TESTS } from './schema';

export interface CellDiagnostic {
  /** 1-based line and column of the start; end is exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface PipelineDef {
  first: string | string[];
  encoder?: string;
  fusion?: 'rrf';
  rerank?: string;
  depth?: number;
  k1?: number;
  b?: number;
  device?: string;
}

export interface CollectionStep {
  name?: string;
  folder?: string;
  include?: string[];
  exclude?: string[];
  corpus?: string;
  beir?: string;
  split?: string;
  topics?: string;
  qrels?: string;
  embed?: string[];
  chunkTokens?: number;
  device?: string;
}
export interface SearchStep { query: string; pipeline?: string; k?: number; lang?: string[]; device?: string }
export interface RunStep { pipelines: string[]; topics?: string; queries?: string[]; k?: number; device?: string }
export interface EvaluateStep {
  runs: string[];
  baseline?: string;
  measures?: string[];
  test?: (typeof TESTS)[number];
  correction?: (typeof CORRECTIONS)[number];
  alpha?: number;
  perQuery?: string;
  languagePairs?: string | boolean;
  bias?: number | boolean;
}
export interface JudgeStep { runs: string[]; depth?: number; queries?: string[] }

export type CellStep =
  | { kind: 'collection'; body: CollectionStep }
  | { kind: 'pipelines'; body: Record<string, string | PipelineDef> }
  | { kind: 'search'; body: SearchStep }
  | { kind: 'run'; body: RunStep }
  | { kind: 'evaluate'; body: EvaluateStep }
  | { kind: 'judge'; body: JudgeStep };

export interface ParsedCell {
  step?: CellStep;
  diagnostics: CellDiagnostic[];
}

let ajv: Ajv | undefined;
const validators = new Map<StepKind, ValidateFunction>();
function validatorFor(kind: StepKind): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, strict: false });
  let v = validators.get(kind);
  if (!v) {
    v = ajv.compile(STEP_SCHEMAS[kind] as object);
    validators.set(kind, v);
  }
  return v;
}

/** Levenshtein distance (for "did you mean"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
function suggest(word: string, options: readonly string[]): string {
  const best = options.map((o) => ({ o, d: distance(word.toLowerCase(), o.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? ` Did you mean "${best.o}"?` : '';
}

class Locator {
  constructor(readonly doc: Document, readonly lc: LineCounter, readonly text: string) {}

  diag(range: readonly [number, number] | undefined, message: string, severity: 'error' | 'warning' = 'error'): CellDiagnostic {
    const [s, e] = range ?? [0, Math.max(0, this.text.indexOf('\n') < 0 ? this.text.length : this.text.indexOf('\n'))];
    const a = this.lc.linePos(Math.min(s, this.text.length));
    const b = this.lc.linePos(Math.min(Math.max(e, s), this.text.length));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col, message: `line ${a.line}: ${message}`, severity };
  }

  node(path: readonly (string | number)[]): Node | undefined {
    const n = path.length ? (this.doc.getIn(path, true) as Node | undefined) : (this.doc.contents as Node | undefined);
    return n && typeof n === 'object' && 'range' in n ? n : undefined;
  }

  /** Range of a key in the mapping at `path`. */
  keyRange(path: readonly (string | number)[], key: string): [number, number] | undefined {
    const m = this.node(path);
    if (!isMap(m)) return undefined;
    const pair = m.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    const r = pair && isScalar(pair.key) ? pair.key.range : undefined;
    return r ? [r[0], r[1]] : undefined;
  }

  /** Range of the value at `path`, or of its key when the value is empty, or of the parent. */
  range(path: readonly (string | number)[]): [number, number] | undefined {
    const n = this.node(path);
    if (n?.range) {
      // A mapping's range: its first line only.
      const start = n.range[0];
      const nl = this.text.indexOf('\n', start);
      const end = isMap(n) || isSeq(n) ? (nl < 0 ? this.text.length : nl) : n.range[1];
      return [start, Math.max(end, start + 1)];
    }
    if (path.length) {
      const last = path[path.length - 1];
      if (typeof last === 'string') {
        const k = this.keyRange(path.slice(0, -1), last);
        if (k) return k;
      }
      return this.range(path.slice(0, -1));
    }
    return undefined;
  }
}

const pathName = (p: readonly (string | number)[]) => p.map((x) => (typeof x === 'number' ? `[${x}]` : x)).join('.').replace(/\.\[/g, '[');

function ajvPath(kind: StepKind, e: ErrorObject): (string | number)[] {
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [kind, ...segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
}

function describeType(s: JsonSchema | undefined): string {
  if (!s) return 'a valid value';
  if (s.anyOf) return s.anyOf.map(describeType).join(' or ');
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  switch (s.type) {
    case 'string': return 'a string';
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a mapping';
    default: return 'a valid value';
  }
}

function ajvMessages(kind: StepKind, errors: ErrorObject[], loc: Locator): CellDiagnostic[] {
  const out: CellDiagnostic[] = [];
  // A failed anyOf (string or mapping, …): when the value is a mapping or list, the errors of the
  // branch of that shape say more than "must be a string or a mapping"; otherwise the summary does.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const structured = new Set([...anyOfPaths].filter((p) => {
    const n = loc.node(ajvPath(kind, { instancePath: p } as ErrorObject));
    return (isMap(n) || isSeq(n)) && errors.some((e) => e.keyword !== 'anyOf' && e.keyword !== 'type' && (e.instancePath === p || e.instancePath.startsWith(p + '/')));
  }));
  const seen = new Set<string>();
  for (const e of errors) {
    const under = [...anyOfPaths].find((p) => e.instancePath === p || e.instancePath.startsWith(p + '/'));
    if (e.keyword === 'anyOf' && structured.has(e.instancePath)) continue;
    if (e.keyword !== 'anyOf' && under !== undefined && e.schemaPath.includes('anyOf')) {
      if (!structured.has(under) || e.keyword === 'type') continue;
    }
    const path = ajvPath(kind, e);
    const where = pathName(path);
    let range = loc.range(path);
    let msg: string;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const known = Object.keys(schemaAt(path)?.properties ?? {});
        range = loc.keyRange(path, key) ?? range;
        msg = `unknown key "${key}" in ${where}.${suggest(key, known)}${known.length ? ` Expected one of: ${known.join(', ')}.` : ''}`;
        break;
      }
      case 'required':
        msg = `${where} needs "${String(p.missingProperty)}"`;
        break;
      case 'enum':
        msg = `${where}: "${String(loc.node(path) && isScalar(loc.node(path)) ? (loc.node(path) as { value: unknown }).value : '')}" is not one of ${(p.allowedValues as unknown[]).join(', ')}`;
        break;
      case 'type':
        msg = `${where} must be ${describeType({ type: String(p.type) })}`;
        break;
      case 'anyOf':
        msg = `${where} must be ${describeType(schemaAt(path.slice(0, -1))?.properties?.[String(path[path.length - 1])] ?? (typeof schemaAt(path.slice(0, -1))?.additionalProperties === 'object' ? (schemaAt(path.slice(0, -1))!.additionalProperties as JsonSchema) : undefined))}`;
        break;
      case 'minimum':
      case 'maximum':
        msg = `${where} must be ${e.keyword === 'minimum' ? '≥' : '≤'} ${String(p.limit)}`;
        break;
      case 'minItems':
        msg = `${where} needs at least ${String(p.limit)} item(s)`;
        break;
      case 'minLength':
        msg = `${where} must not be empty`;
        break;
      case 'minProperties':
        msg = `${where} needs at least one entry`;
        break;
      default:
        msg = `${where} ${e.message ?? 'is invalid'}`;
    }
    const key = `${range?.[0]}:${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(loc.diag(range, msg));
  }
  return out;
}

/** Compiles a pipeline definition (expression or parts) to a pipeline expression; throws with the reason. */
export function compilePipeline(def: string | PipelineDef): string {
  if (typeof def === 'string') {
    parsePipeline(def);
    return def.trim();
  }
  const stage = (s: string): string => {
    const t = s.trim();
    if (t === 'bm25') return def.k1 !== undefined || def.b !== undefined ? `bm25(k1=${def.k1 ?? 0.9},b=${def.b ?? 0.4})` : 'bm25';
    if (t === 'dense' || t === 'hybrid') {
      if (!def.encoder) throw new Error(`first stage "${t}" needs an encoder (add "encoder: MODEL")`);
      return `${t}:${def.encoder}`;
    }
    return t;
  };
  const firsts = Array.isArray(def.first) ? def.first : [def.first];
  let expr = firsts.length > 1 ? `rrf(${firsts.map(stage).join(',')})` : stage(firsts[0]);
  if (def.rerank) expr += `+rerank:${def.rerank}${def.depth ? `@${def.depth}` : ''}`;
  else if (def.depth) throw new Error('"depth" is the reranking depth: it needs "rerank"');
  parsePipeline(expr);
  return expr;
}

function semantic(step: CellStep, loc: Locator): CellDiagnostic[] {
  const out: CellDiagnostic[] = [];
  const k = step.kind;
  const measureCheck = (path: (string | number)[], m: unknown) => {
    if (typeof m !== 'string') return;
    try {
      parseMeasure(m);
    } catch (e) {
      out.push(loc.diag(loc.range(path), `${pathName(path)}: ${(e as Error).message}`));
    }
  };
  switch (step.kind) {
    case 'collection': {
      const given = (['folder', 'corpus', 'beir'] as const).filter((x) => step.body[x] !== undefined);
      if (given.length !== 1) {
        out.push(loc.diag(given.length ? loc.keyRange([k], given[1]) : loc.keyRange([], 'collection'), given.length ? `collection: give only one of folder, corpus, beir (found ${given.join(', ')})` : 'collection needs one of "folder", "corpus" (a corpus.jsonl) or "beir" (a BEIR folder)'));
      }
      if ((step.body.include || step.body.exclude) && !step.body.folder) out.push(loc.diag(loc.keyRange([k], step.body.include ? 'include' : 'exclude'), 'include/exclude globs apply to a "folder" collection only'));
      if (step.body.split && !step.body.beir) out.push(loc.diag(loc.keyRange([k], 'split'), '"split" applies to a "beir" collection only'));
      break;
    }
    case 'pipelines':
      for (const [name, def] of Object.entries(step.body)) {
        if (!/^[\w.+:@()-]+$/.test(name)) out.push(loc.diag(loc.keyRange([k], name), `pipeline name "${name}" may use letters, digits and _ . + : @ ( ) - only`));
        try {
          compilePipeline(def);
        } catch (e) {
          out.push(loc.diag(loc.range([k, name]), `pipeline "${name}": ${(e as Error).message}`));
        }
      }
      break;
    case 'evaluate':
      (step.body.measures ?? []).forEach((m, i) => measureCheck([k, 'measures', i], m));
      if (step.body.perQuery) measureCheck([k, 'perQuery'], step.body.perQuery);
      if (typeof step.body.languagePairs === 'string') measureCheck([k, 'languagePairs'], step.body.languagePairs);
      if (step.body.baseline && !step.body.runs.includes(step.body.baseline)) out.push(loc.diag(loc.range([k, 'baseline']), `baseline "${step.body.baseline}" is not one of the runs (${step.body.runs.join(', ')})`));
      break;
    default:
      break;
  }
  return out;
}

/** Parses and validates one `clir` cell. */
export function parseCell(text: string): ParsedCell {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(doc, lc, text);
  const diagnostics: CellDiagnostic[] = [];
  for (const e of doc.errors) {
    const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    diagnostics.push(loc.diag([e.pos[0], e.pos[1]], `YAML: ${msg}`));
  }
  for (const w of doc.warnings) diagnostics.push(loc.diag([w.pos[0], w.pos[1]], `YAML: ${w.message.split('\n')[0]}`, 'warning'));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) {
    return { diagnostics: [loc.diag([0, text.length], `empty cell: write one step (${STEP_KINDS.join(', ')})`)] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [loc.diag(loc.range([]), `a cell is a mapping with one step key (${STEP_KINDS.join(', ')})`)] };
  }
  const keys = Object.keys(data as object);
  const unknown = keys.filter((x) => !(STEP_KINDS as readonly string[]).includes(x));
  for (const u of unknown) diagnostics.push(loc.diag(loc.keyRange([], u), `unknown step "${u}".${suggest(u, STEP_KINDS)} A cell has one of: ${STEP_KINDS.join(', ')}`));
  const steps = keys.filter((x) => (STEP_KINDS as readonly string[]).includes(x)) as StepKind[];
  if (steps.length > 1) diagnostics.push(loc.diag(loc.keyRange([], steps[1]), `one step per cell: found ${steps.join(' and ')}; split them into separate cells`));
  if (diagnostics.length || !steps.length) {
    if (!diagnostics.length) diagnostics.push(loc.diag(loc.range([]), `a cell has one step: ${STEP_KINDS.join(', ')}`));
    return { diagnostics };
  }
  const kind = steps[0];
  const body = (data as Record<string, unknown>)[kind];
  const v = validatorFor(kind);
  if (!v(body ?? null)) {
    if (body === null || body === undefined) return { diagnostics: [loc.diag(loc.keyRange([], kind), `${kind} needs settings (${Object.keys(STEP_SCHEMAS[kind].properties ?? {}).join(', ') || 'name: pipeline'})`)] };
    return { diagnostics: ajvMessages(kind, v.errors ?? [], loc) };
  }
  const step = { kind, body } as CellStep;
  const sem = semantic(step, loc);
  return sem.length ? { diagnostics: sem } : { step, diagnostics: [] };
}

// Completion and hover -----------------------------------------------------------------------------

export interface CompletionItemData {
  label: string;
  kind: 'key' | 'value' | 'step';
  insertText: string;
  detail?: string;
  documentation?: string;
}

/** The key path at a line of YAML text (by indentation), e.g. ['pipelines', 'dense'] for a line inside it. */
export function keyPathAt(text: string, line: number, character: number): { path: string[]; inValue: boolean; key?: string; indent: number } {
  const lines = text.split('\n');
  const cur = lines[line] ?? '';
  const before = cur.slice(0, character);
  const indentOf = (l: string) => (/^(\s*(?:-\s+)?)/.exec(l)?.[1].length ?? 0);
  const curIndent = indentOf(cur);
  const m = /^\s*(?:-\s+)?([\w.+:@()-]+)\s*:\s*(.*)$/.exec(before);
  const inValue = !!m || /^\s*-\s+\S*$/.test(before);
  const path: string[] = [];
  let limit = before.trim() ? curIndent : before.length;
  for (let i = line - 1; i >= 0; i--) {
    const l = lines[i];
    if (!l.trim() || l.trim().startsWith('#')) continue;
    const ind = indentOf(l);
    if (ind >= limit) continue;
    const km = /^\s*(?:-\s+)?([\w.+:@()-]+)\s*:/.exec(l);
    if (km) path.unshift(km[1]);
    limit = ind;
    if (ind === 0) break;
  }
  return { path, inValue, key: m?.[1], indent: curIndent };
}

function valueCompletions(s: JsonSchema | undefined): CompletionItemData[] {
  if (!s) return [];
  const vals = new Set<string>();
  const add = (x: JsonSchema) => {
    for (const e of x.enum ?? []) vals.add(String(e));
    for (const e of x.examples ?? []) if (typeof e === 'string') vals.add(e);
    if (x.type === 'boolean') ['true', 'false'].forEach((b) => vals.add(b));
    x.anyOf?.forEach(add);
    if (x.items) add(x.items);
  };
  add(s);
  return [...vals].map((v) => ({ label: v, kind: 'value' as const, insertText: v, documentation: s.description }));
}

/**
 * Completion items at (line, character) (0-based): step keys at the top, the keys of the mapping
 * the cursor is in, enum/example values after "key: ", and defined pipeline names in pipeline fields.
 */
export function completeAt(text: string, line: number, character: number, known: { pipelines?: string[] } = {}): CompletionItemData[] {
  const { path, inValue, key } = keyPathAt(text, line, character);
  if (!path.length && !inValue) {
    return STEP_KINDS.map((k) => ({ label: k, kind: 'step' as const, insertText: `${k}:\n  `, detail: 'clir step', documentation: STEP_SCHEMAS[k].description }));
  }
  if (inValue) {
    const fieldPath = key ? [...path, key] : path;
    const s = schemaAt(fieldPath);
    const items = valueCompletions(s);
    const last = fieldPath[fieldPath.length - 1];
    if (known.pipelines?.length && (last === 'pipeline' || last === 'pipelines' || last === 'runs' || last === 'baseline')) {
      for (const p of known.pipelines) if (!items.some((i) => i.label === p)) items.unshift({ label: p, kind: 'value', insertText: p, detail: 'pipeline' });
    }
    if (last === 'device' && !items.length) for (const d of DEVICES) items.push({ label: d, kind: 'value', insertText: d });
    return items;
  }
  const s = schemaAt(path);
  const props = s?.properties ?? {};
  // Keys already present in this mapping are not offered again.
  const present = new Set<string>();
  return Object.entries(props)
    .filter(([k]) => !present.has(k))
    .map(([k, v]) => ({ label: k, kind: 'key' as const, insertText: `${k}: `, detail: describeType(v), documentation: v.description }));
}

/** Hover text for the word at (line, character): a step or key's description from the schema. */
export function hoverAt(text: string, line: number, character: number): { word: string; markdown: string } | undefined {
  const cur = text.split('\n')[line] ?? '';
  const re = /[\w]+/g;
  let m: RegExpExecArray | null;
  let word: string | undefined;
  let start = 0;
  while ((m = re.exec(cur))) {
    if (m.index <= character && character <= m.index + m[0].length) {
      word = m[0];
      start = m.index;
      break;
    }
  }
  if (!word) return undefined;
  const isKey = new RegExp(`^\\s*(?:-\\s+)?${word}\\s*:`).test(cur.slice(0, start + word.length + 10)) && cur.slice(start + word.length).trimStart().startsWith(':');
  const { path } = keyPathAt(text, line, cur.length - cur.trimStart().length);
  if (isKey) {
    const s = schemaAt([...path, word]);
    if (!s?.description) return undefined;
    const type = describeType(s);
    return { word, markdown: `**${[...path, word].join('.')}** — ${type}\n\n${s.description}` };
  }
  const keyMatch = /^\s*(?:-\s+)?([\w]+)\s*:/.exec(cur);
  const s = keyMatch ? schemaAt([...path, keyMatch[1]]) : undefined;
  if (s?.enum?.includes(word)) return { word, markdown: `\`${word}\`: ${s.description ?? ''}` };
  return undefined;
}
