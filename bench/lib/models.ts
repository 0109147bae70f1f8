/**
 * Random-weight ONNX encoders with the real architecture sizes of multilingual-E5 (XLM-R):
 * embeddings (250 002 × hidden) + LayerNorm, N post-LN transformer layers (multi-head attention with
 * the padding mask, GELU feed-forward), output `last_hidden_state`; optionally a sequence
 * classification head (cross-encoder, `logits` [batch, 1]). Speed does not depend on the weights.
 *
 * `int8`: dynamic quantisation as onnxruntime's quantize_dynamic writes it: weights int8 (per tensor),
 * activations quantised at run time (DynamicQuantizeLinear → MatMulInteger → scale), the embedding
 * table int8 with DequantizeLinear after the Gather.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder } from '../../scripts/demo-models/onnx-build';
import { xlmrTokenizerFiles } from '../../scripts/demo-models/tokenizer-files';
import { rng } from './vectors';
import { allWords } from './text';

export interface ArchSpec {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  classifier: boolean;
}

export const E5_SMALL: ArchSpec = { name: 'e5-small-shaped', layers: 12, hidden: 384, heads: 12, intermediate: 1536, vocab: 250002, maxPositions: 514, classifier: false };
export const E5_BASE: ArchSpec = { name: 'e5-base-shaped', layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 250002, maxPositions: 514, classifier: false };
/** bge-reranker-base is an XLM-R base cross-encoder. */
export const RERANKER_BASE: ArchSpec = { ...E5_BASE, name: 'xlmr-base-reranker-shaped', classifier: true };
/** A small cross-encoder of the E5-small shape (quick mode). */
export const RERANKER_SMALL: ArchSpec = { ...E5_SMALL, name: 'xlmr-small-reranker-shaped', classifier: true };

const T_FLOAT = 1;

function randomFloats(n: number, scale: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

class Weights {
  constructor(private readonly g: GraphBuilder, private readonly int8: boolean, private readonly r: () => number) {}

  /** x · W + b with W [in × out] random. */
  linear(x: string, name: string, inDim: number, outDim: number): string {
    const scale = 1 / Math.sqrt(inDim);
    const b = this.g.floatInit(`${name}.bias`, [outDim], randomFloats(outDim, 0.01, this.r));
    if (!this.int8) {
      const w = this.g.floatInit(`${name}.weight`, [inDim, outDim], randomFloats(inDim * outDim, scale, this.r));
      return this.g.node('Add', [this.g.node('MatMul', [x, w]), b]);
    }
    const q = new Int8Array(inDim * outDim);
    for (let i = 0; i < q.length; i++) q[i] = Math.floor(this.r() * 255) - 127;
    const wq = this.g.int8Init(`${name}.weight_quantized`, [inDim, outDim], q);
    const ws = this.g.floatInit(`${name}.weight_scale`, [], [scale / 127]);
    const wz = this.g.int8Init(`${name}.weight_zero_point`, [], new Int8Array(1));
    const xq = this.g.node('DynamicQuantizeLinear', [x]);
    // DynamicQuantizeLinear has three outputs: name, name_scale, name_zp (declared below).
    const xs = `${xq}_scale`;
    const xz = `${xq}_zero_point`;
    this.fixOutputs(xq, [xq, xs, xz]);
    const mm = this.g.node('MatMulInteger', [xq, wq, xz, wz]);
    const f = this.g.node('Cast', [mm], { to: T_FLOAT });
    const scaleAll = this.g.node('Mul', [xs, ws]);
    return this.g.node('Add', [this.g.node('Mul', [f, scaleAll]), b]);
  }

  private fixOutputs(first: string, outs: string[]): void {
    const nodes = (this.g as unknown as { nodes: { output?: string[] | null }[] }).nodes;
    const n = nodes.find((x) => x.output?.[0] === first);
    if (n) n.output = outs;
  }

  layerNorm(x: string, name: string, dim: number): string {
    const gamma = this.g.floatInit(`${name}.weight`, [dim], new Float32Array(dim).fill(1));
    const beta = this.g.floatInit(`${name}.bias`, [dim], new Float32Array(dim));
    return this.g.node('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: 1e-5 } });
  }
}

export function buildArchGraph(spec: ArchSpec, int8: boolean, seed = 7): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder(spec.name);
  const W = new Weights(g, int8, r);
  const H = spec.hidden;
  const hd = H / spec.heads;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  if (spec.classifier) g.output('logits', ['batch_size', 1]);
  else g.output('last_hidden_state', ['batch_size', 'sequence_length', H]);

  let emb: string;
  if (int8) {
    const q = new Int8Array(spec.vocab * H);
    for (let i = 0; i < q.length; i++) q[i] = Math.floor(r() * 255) - 127;
    const E = g.int8Init('embeddings.word_embeddings.weight_quantized', [spec.vocab, H], q);
    const es = g.floatInit('embeddings.word_embeddings.weight_scale', [], [0.05 / 127]);
    const ez = g.int8Init('embeddings.word_embeddings.weight_zero_point', [], new Int8Array(1));
    emb = g.node('DequantizeLinear', [g.node('Gather', [E, ids], { axis: 0 }), es, ez]);
  } else {
    const E = g.floatInit('embeddings.word_embeddings.weight', [spec.vocab, H], randomFloats(spec.vocab * H, 0.05, r));
    emb = g.node('Gather', [E, ids], { axis: 0 });
  }
  const P = g.floatInit('embeddings.position_embeddings.weight', [spec.maxPositions, H], randomFloats(spec.maxPositions * H, 0.02, r));
  const shape = g.node('Shape', [ids]);
  const one = g.int64Init('const_one', [], [1]);
  const seqLen = g.node('Gather', [shape, one], { axis: 0 });
  const start = g.int64Init('position_start', [], [2]);
  const positions = g.node('Range', [start, g.node('Add', [seqLen, start]), one]);
  const TT = g.floatInit('embeddings.token_type_embeddings.weight', [1, H], randomFloats(H, 0.02, r));
  let h = g.node('Add', [g.node('Add', [emb, g.node('Gather', [P, positions], { axis: 0 })]), TT]);
  h = W.layerNorm(h, 'embeddings.LayerNorm', H);

  // Additive attention mask [B, 1, 1, S]: 0 for tokens, −10000 for padding.
  const maskF = g.node('Cast', [mask], { to: T_FLOAT });
  const oneF = g.floatInit('const_one_f', [], [1]);
  const negBig = g.floatInit('const_neg', [], [-10000]);
  const axes12 = g.int64Init('axes_12', [2], [1, 2]);
  const maskBias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [oneF, maskF]), negBig]), axes12]);
  const headsShape = g.int64Init('shape_heads', [4], [0, 0, spec.heads, hd]);
  const mergeShape = g.int64Init('shape_merge', [3], [0, 0, H]);
  const invSqrt = g.floatInit('const_inv_sqrt_hd', [], [1 / Math.sqrt(hd)]);
  const half = g.floatInit('const_half', [], [0.5]);
  const invSqrt2 = g.floatInit('const_inv_sqrt2', [], [Math.SQRT1_2]);

  for (let l = 0; l < spec.layers; l++) {
    const p = `encoder.layer.${l}`;
    const split = (x: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [x, headsShape])], { perm });
    const q = split(W.linear(h, `${p}.attention.self.query`, H, H), [0, 2, 1, 3]);
    const k = split(W.linear(h, `${p}.attention.self.key`, H, H), [0, 2, 3, 1]);
    const v = split(W.linear(h, `${p}.attention.self.value`, H, H), [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, k]), invSqrt]), maskBias]);
    const probs = g.node('Softmax', [scores], { axis: -1 });
    const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), mergeShape]);
    const attn = W.linear(ctx, `${p}.attention.output.dense`, H, H);
    h = W.layerNorm(g.node('Add', [h, attn]), `${p}.attention.output.LayerNorm`, H);
    const up = W.linear(h, `${p}.intermediate.dense`, H, spec.intermediate);
    const gelu = g.node('Mul', [g.node('Mul', [up, half]), g.node('Add', [g.node('Erf', [g.node('Mul', [up, invSqrt2])]), oneF])]);
    const down = W.linear(gelu, `${p}.output.dense`, spec.intermediate, H);
    h = W.layerNorm(g.node('Add', [h, down]), `${p}.output.LayerNorm`, H);
  }
  if (!spec.classifier) {
    g.node('Identity', [h], {}, 'last_hidden_state');
  } else {
    const zero = g.int64Init('const_zero', [], [0]);
    const cls = g.node('Gather', [h, zero], { axis: 1 });
    const dense = g.node('Tanh', [W.linear(cls, 'classifier.dense', H, H)]);
    g.node('Identity', [W.linear(dense, 'classifier.out_proj', H, 1)], {}, 'logits');
  }
  return g.toBytes(`${spec.name}: random weights, real architecture size (benchmark only)`);
}

/** A 250k-piece SentencePiece-Unigram vocabulary covering the benchmark's pseudo-words. */
function vocabulary(size: number): { tokens: string[]; scores: number[] } {
  const tokens = ['<s>', '<pad>', '</s>', '<unk>'];
  const seen = new Set(tokens);
  const add = (t: string) => {
    if (tokens.length < size - 1 && !seen.has(t)) {
      seen.add(t);
      tokens.push(t);
    }
  };
  add('▁');
  const words = allWords(3);
  // Single characters first (full coverage), then whole words and their prefixes / suffixes.
  for (const w of words) for (const ch of w) add(ch);
  for (const w of words) {
    add('▁' + w);
    if (w.length > 3) {
      add('▁' + w.slice(0, Math.ceil(w.length / 2)));
      add(w.slice(Math.ceil(w.length / 2)));
    }
  }
  const r = rng(99);
  const letters = 'abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюяαβγδεζηθικλμνξοπρστυφχψω';
  while (tokens.length < size - 1) {
    let t = r() < 0.5 ? '▁' : '';
    const n = 2 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) t += letters[Math.floor(r() * letters.length)];
    add(t);
  }
  tokens.push('<mask>');
  const scores = tokens.map((_, i) => -Math.log(2 + i) - 1);
  return { tokens, scores };
}

/** Writes (once) a model folder loadable by loadEncoder/loadReranker; returns its path. */
export function ensureArchModel(dir: string, spec: ArchSpec, log: (m: string) => void = () => undefined): string {
  const folder = path.join(dir, spec.name);
  const stamp = path.join(folder, 'stamp.json');
  const want = JSON.stringify({ spec, v: 2 });
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return folder;
  const t0 = Date.now();
  fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  const { tokens, scores } = vocabulary(spec.vocab);
  const tok = xlmrTokenizerFiles(tokens, scores, 512);
  for (const [k, v] of Object.entries(tok)) fs.writeFileSync(path.join(folder, k), JSON.stringify(v));
  fs.writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({
      architectures: [spec.classifier ? 'XLMRobertaForSequenceClassification' : 'XLMRobertaModel'],
      model_type: 'xlm-roberta',
      hidden_size: spec.hidden,
      num_hidden_layers: spec.layers,
      num_attention_heads: spec.heads,
      intermediate_size: spec.intermediate,
      hidden_act: 'gelu',
      max_position_embeddings: spec.maxPositions,
      type_vocab_size: 1,
      vocab_size: spec.vocab,
      bos_token_id: 0,
      pad_token_id: 1,
      eos_token_id: 2,
      layer_norm_eps: 1e-5,
      ...(spec.classifier ? { num_labels: 1, id2label: { '0': 'LABEL_0' }, label2id: { LABEL_0: 0 } } : {}),
    }),
  );
  fs.writeFileSync(
    path.join(folder, 'clir-model.json'),
    JSON.stringify({
      name: spec.name,
      kind: spec.classifier ? 'reranker' : 'encoder',
      pooling: spec.classifier ? 'none' : 'mean',
      normalize: !spec.classifier,
      queryPrefix: spec.classifier ? '' : 'query: ',
      passagePrefix: spec.classifier ? '' : 'passage: ',
      maxLength: 512,
      dtype: 'fp32',
      description: 'Benchmark model: random weights with a real architecture size.',
    }),
  );
  fs.writeFileSync(path.join(folder, 'onnx', 'model.onnx'), buildArchGraph(spec, false));
  fs.writeFileSync(path.join(folder, 'onnx', 'model_quantized.onnx'), buildArchGraph(spec, true));
  fs.writeFileSync(stamp, want);
  log(`generated ${spec.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${folder}`);
  return folder;
}
