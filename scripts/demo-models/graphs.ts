/**
 * The demo models' ONNX graphs.
 *
 * Bi-encoder (`bert`, `xlmr`, `misaligned`):
 *   h = E[input_ids] + P[positions] (+ T[token_type_ids] for BERT)
 *   last_hidden_state = (h · Q + b) ⊙ attention_mask
 * with Q a seeded orthogonal matrix, so mean pooling (done by the caller) keeps the
 * concept geometry of the embedding table. There is no attention: the [CLS] output
 * only depends on its position, so CLS pooling of these models is meaningless (but
 * observably different from mean pooling).
 *
 * Cross-encoder (`reranker`):
 *   s0 = Σ E[ids]·mask·(1-type), s1 = Σ E[ids]·mask·type
 *   logits = scale · cos(s0, s1) + bias           → [batch, 1]
 *
 * The quantized variants store the big matrices as int8 with per-row scales and
 * dequantize them in-graph with DequantizeLinear (what `dtype: "q8"` loads).
 */
import { GraphBuilder, quantizeRows, FLOAT_TYPE } from './onnx-build';
import { gaussianVector, orthogonalMatrix } from './prng';

export interface EncoderGraphSpec {
  name: string;
  /** Embedding table [vocab × dim]. */
  table: Float32Array;
  vocabSize: number;
  dim: number;
  maxPositions: number;
  /** First position id (2 for XLM-R, 0 for BERT). */
  positionOffset: number;
  withTokenTypes: boolean;
  quantized: boolean;
  seed: string;
}

function weight(g: GraphBuilder, name: string, data: Float32Array, rows: number, cols: number, quantized: boolean): string {
  if (!quantized) return g.floatInit(name, [rows, cols], data);
  const { q, scales } = quantizeRows(data, rows, cols);
  const qn = g.int8Init(`${name}_quantized`, [rows, cols], q);
  const sn = g.floatInit(`${name}_scale`, [rows], scales);
  const zn = g.int8Init(`${name}_zero_point`, [rows], new Int8Array(rows));
  return g.node('DequantizeLinear', [qn, sn, zn], { axis: 0 }, name);
}

function smallMatrix(key: string, rows: number, cols: number, norm: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const v = gaussianVector(`${key}:${r}`, cols);
    for (let c = 0; c < cols; c++) out[r * cols + c] = (norm / Math.sqrt(cols)) * v[c];
  }
  return out;
}

export function buildEncoderGraph(spec: EncoderGraphSpec): Uint8Array {
  const { dim, vocabSize } = spec;
  const g = new GraphBuilder(spec.name);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const types = spec.withTokenTypes ? g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']) : null;
  g.output('last_hidden_state', ['batch_size', 'sequence_length', dim]);

  const E = weight(g, 'embeddings.word_embeddings.weight', spec.table, vocabSize, dim, spec.quantized);
  let h = g.node('Gather', [E, ids], { axis: 0 });

  // Positions: Range(offset, offset + seq_len).
  const P = g.floatInit('embeddings.position_embeddings.weight', [spec.maxPositions, dim], smallMatrix(`${spec.seed}:pos`, spec.maxPositions, dim, 0.02));
  const shape = g.node('Shape', [ids]);
  const one = g.int64Init('const_one', [], [1]);
  const seqLen = g.node('Gather', [shape, one], { axis: 0 });
  const start = g.int64Init('position_start', [], [spec.positionOffset]);
  const limit = g.node('Add', [seqLen, start]);
  const positions = g.node('Range', [start, limit, one]);
  const pe = g.node('Gather', [P, positions], { axis: 0 });
  h = g.node('Add', [h, pe]);

  if (types) {
    const TT = g.floatInit('embeddings.token_type_embeddings.weight', [2, dim], smallMatrix(`${spec.seed}:type`, 2, dim, 0.02));
    h = g.node('Add', [h, g.node('Gather', [TT, types], { axis: 0 })]);
  }

  const rows = orthogonalMatrix(`${spec.seed}:dense`, dim);
  const Qdata = new Float32Array(dim * dim);
  for (let r = 0; r < dim; r++) for (let c = 0; c < dim; c++) Qdata[r * dim + c] = rows[r][c];
  const Q = weight(g, 'dense.weight', Qdata, dim, dim, spec.quantized);
  const bias = g.floatInit('dense.bias', [dim], smallMatrix(`${spec.seed}:bias`, 1, dim, 0.01));
  h = g.node('Add', [g.node('MatMul', [h, Q]), bias]);

  const maskF = g.node('Cast', [mask], { to: FLOAT_TYPE });
  const axesLast = g.int64Init('axes_last', [1], [-1]);
  const maskU = g.node('Unsqueeze', [maskF, axesLast]);
  g.node('Mul', [h, maskU], {}, 'last_hidden_state');
  return g.toBytes(`CLIR Workbench demo encoder "${spec.name}" (generated, not a trained model)`);
}

export interface RerankerGraphSpec {
  name: string;
  table: Float32Array;
  vocabSize: number;
  dim: number;
  quantized: boolean;
  scale: number;
  bias: number;
}

export function buildRerankerGraph(spec: RerankerGraphSpec): Uint8Array {
  const { dim, vocabSize } = spec;
  const g = new GraphBuilder(spec.name);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']);
  g.output('logits', ['batch_size', 1]);

  const E = weight(g, 'embeddings.word_embeddings.weight', spec.table, vocabSize, dim, spec.quantized);
  const h = g.node('Gather', [E, ids], { axis: 0 });
  const m = g.node('Cast', [mask], { to: FLOAT_TYPE });
  const t = g.node('Cast', [types], { to: FLOAT_TYPE });
  const m1 = g.node('Mul', [m, t]);
  const m0 = g.node('Sub', [m, m1]);
  const axesLast = g.int64Init('axes_last', [1], [-1]);
  const axesSeq = g.int64Init('axes_seq', [1], [1]);
  const sum0 = g.node('ReduceSum', [g.node('Mul', [h, g.node('Unsqueeze', [m0, axesLast])]), axesSeq], { keepdims: 0 });
  const sum1 = g.node('ReduceSum', [g.node('Mul', [h, g.node('Unsqueeze', [m1, axesLast])]), axesSeq], { keepdims: 0 });
  const dot = g.node('ReduceSum', [g.node('Mul', [sum0, sum1]), axesLast], { keepdims: 1 });
  const eps = g.floatInit('eps', [], [1e-6]);
  const n0 = g.node('Sqrt', [g.node('Add', [g.node('ReduceSum', [g.node('Mul', [sum0, sum0]), axesLast], { keepdims: 1 }), eps])]);
  const n1 = g.node('Sqrt', [g.node('Add', [g.node('ReduceSum', [g.node('Mul', [sum1, sum1]), axesLast], { keepdims: 1 }), eps])]);
  const cos = g.node('Div', [dot, g.node('Mul', [n0, n1])]);
  const scale = g.floatInit('classifier.scale', [], [spec.scale]);
  const bias = g.floatInit('classifier.bias', [], [spec.bias]);
  g.node('Add', [g.node('Mul', [cos, scale]), bias], {}, 'logits');
  return g.toBytes(`CLIR Workbench demo cross-encoder "${spec.name}" (generated, not a trained model)`);
}
