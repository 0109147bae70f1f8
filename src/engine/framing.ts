/**
 * A guard in front of vscode-jsonrpc's stream reader. The reader stops making sense of the stream
 * after a frame without a valid `Content-Length` header (it reads the bad frame's body as the next
 * frame's headers, and so on forever), which left the engine silent. The guard passes well-formed
 * frames through unchanged, drops a malformed one up to the next `Content-Length` header (so every
 * later request is still answered) and reports it, with the request id when the body is JSON that
 * carries one, so the engine can answer it with an InvalidRequest error.
 */
import { Transform, TransformCallback } from 'node:stream';

export interface BadFrame {
  reason: string;
  /** The request id, when the dropped body was JSON with an `id`. */
  id?: number | string;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');
const NEXT_HEADER = /content-length[ \t]*:/i;
/** Headers longer than this without an end are not headers. */
const MAX_HEADER = 64 * 1024;

export class FrameGuard extends Transform {
  /** Bytes of a header (or of a malformed frame being dropped) not yet complete. */
  private buf: Buffer = Buffer.alloc(0);
  /** Body bytes of the current well-formed frame still to pass through unbuffered. */
  private remaining = 0;
  /** Set while dropping the body of a malformed frame (the reason of the frame). */
  private dropping: string | undefined;

  constructor(private readonly onBadFrame: (f: BadFrame) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let data: Buffer = chunk;
      while (data.length) {
        if (this.remaining > 0) {
          const n = Math.min(this.remaining, data.length);
          this.push(data.subarray(0, n));
          this.remaining -= n;
          data = data.subarray(n);
          continue;
        }
        this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
        data = this.drain();
      }
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  /**
   * Consumes headers (and dropped frames) from `buf`. When a well-formed header is complete it is
   * passed on, `remaining` is set to its body length and the bytes after the header are returned
   * (the caller passes them through); otherwise it waits for more and returns nothing.
   */
  private drain(): Buffer {
    for (;;) {
      if (this.dropping !== undefined) {
        // Drop up to the next header; report once the garbage is complete (next header, or parseable JSON).
        const m = NEXT_HEADER.exec(this.buf.toString('latin1'));
        const garbageEnd = m ? m.index : -1;
        const garbage = garbageEnd >= 0 ? this.buf.subarray(0, garbageEnd) : this.buf;
        const parsed = tryJson(garbage);
        if (garbageEnd < 0 && parsed === undefined) return Buffer.alloc(0); // wait for more
        this.report(this.dropping, parsed);
        this.dropping = undefined;
        this.buf = garbageEnd >= 0 ? this.buf.subarray(garbageEnd) : Buffer.alloc(0);
        continue;
      }
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER) {
          this.dropping = 'headers without an end (\\r\\n\\r\\n)';
          continue;
        }
        return Buffer.alloc(0);
      }
      const headers = this.buf.subarray(0, end).toString('ascii').split('\r\n');
      let length: number | undefined;
      let reason = 'no Content-Length header';
      for (const h of headers) {
        const i = h.indexOf(':');
        if (i < 0 || h.slice(0, i).trim().toLowerCase() !== 'content-length') continue;
        const v = h.slice(i + 1).trim();
        if (/^\d{1,10}$/.test(v)) length = Number(v);
        else reason = 'a Content-Length header that is not a number';
      }
      const bodyStart = end + HEADER_END.length;
      if (length === undefined) {
        this.buf = this.buf.subarray(bodyStart);
        this.dropping = reason;
        continue;
      }
      this.push(this.buf.subarray(0, bodyStart));
      this.remaining = length;
      const rest = this.buf.subarray(bodyStart);
      this.buf = Buffer.alloc(0);
      return rest;
    }
  }

  private report(reason: string, body: unknown): void {
    const id = body && typeof body === 'object' && 'id' in body ? (body as { id: unknown }).id : undefined;
    this.onBadFrame({ reason, ...(typeof id === 'number' || typeof id === 'string' ? { id } : {}) });
  }
}

function tryJson(b: Buffer): unknown {
  const t = b.toString('utf8').trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
