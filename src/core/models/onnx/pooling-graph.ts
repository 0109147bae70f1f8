/**
 * Pooling and L2 normalisation inside the model (issue 17): appends nodes to an encoder's ONNX graph
 * so the session returns one float32 vector per row ([batch, dim]) instead of the whole
 * [batch, seq, hidden] state. On a GPU that saves downloading batch × seq × hidden values (6 MiB at
 * 32 × 128 × 384) and the pooling loop in JS; for a float16 model the pooling runs in float32 after
 * a Cast, so no float16 decoding is left on the host.
 *
 * How: a serialised ModelProto may contain its `graph` field more than once; a protobuf parser
 * merges the occurrences (repeated fields concatenate). So the original bytes stay untouched and a
 * small second `graph` holding the new nodes, constants and output is appended after them.
 *
 * Only opset-stable operators are used (Cast, Reshape, MatMul, Transpose, Div, Max, Sqrt, Gather:
 * same semantics from opset 8 on), so no Reduce* whose `axes` moved from attribute to input:
 *   m      = Cast(attention_mask → float)                         [B, S]
 *   mean   : sum = MatMul(Reshape(m, [0, 1, -1]), h)              [B, 1, H]
 *            n   = MatMul(Reshape(m, [0, 1, -1]), Reshape(m, [0, -1, 1]))   [B, 1, 1]
 *            v   = sum / Max(n, 1e-9)       (an all-padding row pools to zeros, as on the host)
 *   cls    : v   = Reshape(Gather(h, 0, axis = 1), [0, 1, -1])
 *   L2     : v   = v / Max(Sqrt(MatMul(v, Transpose(v, [0, 2, 1]))), 1e-12)
 *   output = Reshape(v, [0, -1])                                   [B, H]
 */
import { ElemType, GraphInfo } from './graph-info';
import { Writer } from './proto';

export const POOLED_OUTPUT = 'clir_pooled_embedding';
const P = 'clir_pool/';

/** Oldest default-domain opset with the semantics used above (Max/Div broadcasting). */
export const MIN_POOLING_OPSET = 8;

export interface PoolingPlan {
  /** The [batch, seq, hidden] output to pool. */
  hidden: string;
  /** Its element type (float, float16, bfloat16, double). */
  hiddenType: number;
  mask: string;
  pooling: 'mean' | 'cls';
  normalize: boolean;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

type AttrValue = { int: number } | { ints: number[] } | { float: number };

function node(op: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}): Writer {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  w.string(2, output).string(3, output).string(4, op);
  for (const [name, v] of Object.entries(attrs)) {
    const a = new Writer().string(1, name);
    if ('int' in v) a.int(20, ATTR_INT).int(3, v.int);
    else if ('float' in v) a.int(20, ATTR_FLOAT).float(2, v.float);
    else {
      a.int(20, ATTR_INTS);
      for (const x of v.ints) a.int(8, x);
    }
    w.message(5, a);
  }
  return w;
}

function tensor(name: string, dims: number[], dataType: number, raw: Uint8Array): Writer {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  return w.int(2, dataType).string(8, name).bytes(9, raw);
}

function int64s(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setBigInt64(i * 8, BigInt(x), true));
  return b;
}

function float32(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return b;
}

/** Can `plan` be built for this model? Returns the reason when it cannot. */
export function poolingObstacle(info: GraphInfo, plan: Pick<PoolingPlan, 'hidden' | 'mask'>): string | undefined {
  if (info.opset && info.opset < MIN_POOLING_OPSET) return `opset ${info.opset} is older than ${MIN_POOLING_OPSET}`;
  if (info.externalData) return 'the weights are in external data files';
  if (!info.inputs.some((i) => i.name === plan.mask)) return `the model has no "${plan.mask}" input`;
  const h = info.outputs.find((o) => o.name === plan.hidden);
  if (!h) return `the model has no "${plan.hidden}" output`;
  if (h.rank !== undefined && h.rank !== 3) return `"${plan.hidden}" has rank ${h.rank}, not [batch, seq, hidden]`;
  const floats: number[] = [ElemType.FLOAT, ElemType.FLOAT16, ElemType.BFLOAT16, ElemType.DOUBLE];
  if (h.elemType && !floats.includes(h.elemType)) return `"${plan.hidden}" is not a floating-point tensor (type ${h.elemType})`;
  if (info.outputs.some((o) => o.name === POOLED_OUTPUT)) return `the model already has an output named ${POOLED_OUTPUT}`;
  return undefined;
}

/** The model bytes with pooling (+ normalisation) appended; the new output is POOLED_OUTPUT, float32 [batch, hidden]. */
export function appendPooling(model: Uint8Array, plan: PoolingPlan): Uint8Array {
  const g = new Writer();
  const nodes: Writer[] = [];
  const add = (op: string, inputs: string[], out: string, attrs?: Record<string, AttrValue>): string => {
    nodes.push(node(op, inputs, P + out, attrs));
    return P + out;
  };
  // Constants, added on first use (ORT warns about unused initializers).
  const constants: Record<string, () => Writer> = {
    row_shape: () => tensor(P + 'row_shape', [3], ElemType.INT64, int64s([0, 1, -1])),
    col_shape: () => tensor(P + 'col_shape', [3], ElemType.INT64, int64s([0, -1, 1])),
    flat_shape: () => tensor(P + 'flat_shape', [2], ElemType.INT64, int64s([0, -1])),
    first: () => tensor(P + 'first', [], ElemType.INT64, int64s([0])),
    count_floor: () => tensor(P + 'count_floor', [], ElemType.FLOAT, float32(1e-9)),
    norm_floor: () => tensor(P + 'norm_floor', [], ElemType.FLOAT, float32(1e-12)),
  };
  const inits = new Map<string, Writer>();
  const c = (name: keyof typeof constants): string => {
    if (!inits.has(name)) inits.set(name, constants[name]());
    return P + name;
  };
  const h = plan.hiddenType === ElemType.FLOAT ? plan.hidden : add('Cast', [plan.hidden], 'hidden_f32', { to: { int: ElemType.FLOAT } });
  let v: string;
  if (plan.pooling === 'mean') {
    const m = add('Cast', [plan.mask], 'mask_f32', { to: { int: ElemType.FLOAT } });
    const row = add('Reshape', [m, c('row_shape')], 'mask_row');
    const col = add('Reshape', [m, c('col_shape')], 'mask_col');
    const sum = add('MatMul', [row, h], 'sum');
    const n = add('MatMul', [row, col], 'count');
    v = add('Div', [sum, add('Max', [n, c('count_floor')], 'count_safe')], 'mean');
  } else {
    v = add('Reshape', [add('Gather', [h, c('first')], 'cls', { axis: { int: 1 } }), c('row_shape')], 'cls_row');
  }
  if (plan.normalize) {
    const sq = add('MatMul', [v, add('Transpose', [v], 'vt', { perm: { ints: [0, 2, 1] } })], 'sq');
    v = add('Div', [v, add('Max', [add('Sqrt', [sq], 'norm'), c('norm_floor')], 'norm_safe')], 'unit');
  }
  nodes.push(node('Reshape', [v, c('flat_shape')], POOLED_OUTPUT));
  for (const n of nodes) g.message(1, n);
  for (const t of inits.values()) g.message(5, t);
  const tensorType = new Writer().int(1, ElemType.FLOAT);
  g.message(12, new Writer().string(1, POOLED_OUTPUT).message(2, new Writer().message(1, tensorType)));
  const tail = new Writer().message(7, g).finish();
  const out = new Uint8Array(model.length + tail.length);
  out.set(model, 0);
  out.set(tail, model.length);
  return out;
}
