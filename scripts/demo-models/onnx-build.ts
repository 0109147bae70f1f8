/**
 * Minimal ONNX graph builder on top of `onnx-proto` (opset 17, IR version 8).
 * Tensors are written as little-endian raw_data so the bytes are identical on every host.
 */
import { onnx } from 'onnx-proto';

export const OPSET = 17;
export const IR_VERSION = 8;

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export type Dim = number | string;
export type Attr = number | number[] | string | { float: number } | { tensor: onnx.ITensorProto };

function floatBytes(data: ArrayLike<number>): Uint8Array {
  const buf = new Uint8Array(data.length * 4);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return buf;
}

function int64Bytes(data: ArrayLike<number>): Uint8Array {
  const buf = new Uint8Array(data.length * 8);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]), true);
  return buf;
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  private valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    };
  }

  input(name: string, elemType: 'int64' | 'float', dims: Dim[]): string {
    this.inputs.push(this.valueInfo(name, elemType === 'int64' ? T.INT64 : T.FLOAT, dims));
    return name;
  }

  output(name: string, dims: Dim[]): void {
    this.outputs.push(this.valueInfo(name, T.FLOAT, dims));
  }

  floatInit(name: string, dims: number[], data: ArrayLike<number>): string {
    this.initializers.push({ name, dims, dataType: T.FLOAT, rawData: floatBytes(data) });
    return name;
  }

  int64Init(name: string, dims: number[], data: ArrayLike<number>): string {
    this.initializers.push({ name, dims, dataType: T.INT64, rawData: int64Bytes(data) });
    return name;
  }

  int8Init(name: string, dims: number[], data: Int8Array): string {
    this.initializers.push({ name, dims, dataType: T.INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  /** Adds a node; returns its (first) output name. */
  node(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outName?: string): string {
    const out = outName ?? `${opType.toLowerCase()}_${this.counter++}`;
    const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'number') return { name, type: A.INT, i: v };
      if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
      if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
      if ('float' in v) return { name, type: A.FLOAT, f: v.float };
      return { name, type: A.TENSOR, t: v.tensor };
    });
    this.nodes.push({ name: `${opType}_${this.nodes.length}`, opType, input: inputs, output: [out], attribute });
    return out;
  }

  /** Serialises the model to bytes. */
  toBytes(docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'clir-workbench-demo-models',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export const FLOAT_TYPE = T.FLOAT;

/** Symmetric per-row int8 quantisation of a row-major [rows × cols] matrix. */
export function quantizeRows(data: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(data[r * cols + c]));
    const s = m > 0 ? m / 127 : 1;
    scales[r] = s;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(data[r * cols + c] / s)));
  }
  return { q, scales };
}
