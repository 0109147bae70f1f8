/**
 * Control characters in the CLI's output. A file name or document text can carry terminal escape
 * sequences (ESC ] 0; … sets the window title, ESC [ 2 J clears the screen); printed raw they act on
 * the user's terminal. Everything the CLI writes to stdout and stderr goes through `escapeControls`:
 * C0 controls other than tab and newline, DEL and C1 controls become visible `\u001b`-style text.
 * In JSON output this is a no-op for the data (JSON.stringify already escapes C0; a C1 character in a
 * string becomes the equivalent `\u009b` escape). Progress bars write their own escapes through
 * `rawStderr`, which bypasses the filter.
 */

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

type Write = typeof process.stdout.write;
let rawStderrWrite: Write | undefined;
let installed = false;

function filtered(stream: NodeJS.WriteStream): Write {
  const orig = stream.write.bind(stream) as Write;
  return ((chunk: unknown, ...rest: unknown[]) =>
    (orig as (c: unknown, ...r: unknown[]) => boolean)(typeof chunk === 'string' ? escapeControls(chunk) : chunk, ...rest)) as Write;
}

/** Filters process.stdout and process.stderr (once per process). */
export function installOutputEscaping(): void {
  if (installed) return;
  installed = true;
  rawStderrWrite = process.stderr.write.bind(process.stderr) as Write;
  process.stdout.write = filtered(process.stdout);
  process.stderr.write = filtered(process.stderr);
  // `clir search … | head`: the reader went away; stop quietly instead of dying on EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/** process.stderr with the unfiltered write (for the progress bar's cursor movements). */
export function rawStderr(): NodeJS.WriteStream {
  const raw = rawStderrWrite;
  if (!raw) return process.stderr;
  const target = process.stderr;
  const proxy: NodeJS.WriteStream = new Proxy(target, {
    get(t, k) {
      if (k === 'write') return raw;
      const v = Reflect.get(t, k, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(proxy) : v;
    },
  });
  return proxy;
}
