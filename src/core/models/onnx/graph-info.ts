/**
 * What the loader needs to know about an ONNX model before creating a session: its opsets, the
 * names/element types/ranks of the graph's inputs and outputs, and whether weights live in external
 * data files (then the model must be loaded from its path, not from a buffer). Scans the bytes.
 */
import { fields, utf8, ProtoError } from './proto';

/** TensorProto.DataType values used here. */
export const ElemType = { FLOAT: 1, INT64: 7, FLOAT16: 10, DOUBLE: 11, BFLOAT16: 16 } as const;

export interface ValueInfo {
  name: string;
  /** TensorProto.DataType (0 when not declared). */
  elemType: number;
  /** Number of dimensions, or undefined when the shape is not declared. */
  rank?: number;
}

export interface GraphInfo {
  irVersion: number;
  /** Default-domain opset version (0 when not declared). */
  opset: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  externalData: boolean;
}

// Field numbers from onnx.proto.
const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 };
const GRAPH = { initializer: 5, input: 11, output: 12 };
const TENSOR = { externalData: 13, dataLocation: 14 };

function valueInfo(buf: Uint8Array, start: number, end: number): ValueInfo {
  const v: ValueInfo = { name: '', elemType: 0 };
  for (const f of fields(buf, start, end)) {
    if (f.field === 1 && f.wire === 2) v.name = utf8(buf, f);
    else if (f.field === 2 && f.wire === 2) {
      for (const t of fields(buf, f.start, f.end)) {
        if (t.field !== 1 || t.wire !== 2) continue; // tensor_type
        for (const tt of fields(buf, t.start, t.end)) {
          if (tt.field === 1 && tt.wire === 0) v.elemType = tt.value;
          else if (tt.field === 2 && tt.wire === 2) {
            let rank = 0;
            for (const d of fields(buf, tt.start, tt.end)) if (d.field === 1) rank++;
            v.rank = rank;
          }
        }
      }
    }
  }
  return v;
}

function isExternal(buf: Uint8Array, start: number, end: number): boolean {
  for (const f of fields(buf, start, end)) {
    if (f.field === TENSOR.externalData) return true;
    if (f.field === TENSOR.dataLocation && f.wire === 0 && f.value === 1) return true;
  }
  return false;
}

/** Reads the signature of a serialised ModelProto. Throws ProtoError on malformed bytes. */
export function readGraphInfo(buf: Uint8Array): GraphInfo {
  const info: GraphInfo = { irVersion: 0, opset: 0, inputs: [], outputs: [], externalData: false };
  let sawGraph = false;
  for (const f of fields(buf)) {
    if (f.field === MODEL.irVersion && f.wire === 0) info.irVersion = f.value;
    else if (f.field === MODEL.opsetImport && f.wire === 2) {
      let domain = '';
      let version = 0;
      for (const o of fields(buf, f.start, f.end)) {
        if (o.field === 1 && o.wire === 2) domain = utf8(buf, o);
        else if (o.field === 2 && o.wire === 0) version = o.value;
      }
      if (domain === '' || domain === 'ai.onnx') info.opset = Math.max(info.opset, version);
    } else if (f.field === MODEL.graph && f.wire === 2) {
      sawGraph = true;
      for (const g of fields(buf, f.start, f.end)) {
        if (g.wire !== 2) continue;
        if (g.field === GRAPH.input) info.inputs.push(valueInfo(buf, g.start, g.end));
        else if (g.field === GRAPH.output) info.outputs.push(valueInfo(buf, g.start, g.end));
        else if (g.field === GRAPH.initializer && !info.externalData) info.externalData = isExternal(buf, g.start, g.end);
      }
    }
  }
  if (!sawGraph) throw new ProtoError('no graph in the model (is this an ONNX file?)');
  return info;
}
