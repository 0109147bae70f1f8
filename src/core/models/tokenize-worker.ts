/**
 * Tokenizer worker thread (issue 17): tokenises the next group of texts while the main thread waits
 * for the GPU on the current one (onnxruntime-node's `run` blocks the thread that calls it, so the
 * overlap needs a second thread). Bundled as its own entry (dist/tokenize-worker.js,
 * scripts/bundle.js); tokenize-ahead.ts finds it next to itself (out/src/core/models/ or dist/).
 */
import Module from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { encodePair, encodeSingle, TokenizerLike } from './tokenize';
import type { TokenizeRequest, TokenizeResponse, TokenizerSource } from './tokenize-ahead';

/**
 * transformers.js loads onnxruntime-node at import, but a tokenizer never runs a session: this thread
 * gets onnxruntime-common (the JavaScript API without the native addon) in its place, so up to four
 * threads do not each initialise the native runtime next to the main one (several threads loading
 * it is a known source of native crashes: microsoft/onnxruntime#24486, #20084).
 */
function withoutNativeRuntime(): void {
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = M._load;
  M._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    return load.call(this, request === 'onnxruntime-node' ? 'onnxruntime-common' : request, parent, isMain);
  };
}

if (parentPort) {
  withoutNativeRuntime();
  const port = parentPort;
  const src = workerData as TokenizerSource;
  const ready = (async () => {
    const tf = await import('@huggingface/transformers');
    return (await tf.AutoTokenizer.from_pretrained(src.source, src.options as never)) as unknown as TokenizerLike;
  })();
  ready.catch(() => undefined); // reported to the first request (as fatal), not as an unhandled rejection
  port.on('message', async (msg: TokenizeRequest) => {
    let reply: TokenizeResponse;
    let tok: TokenizerLike;
    try {
      tok = await ready;
    } catch (err) {
      port.postMessage({ id: msg.id, error: `the tokenizer did not load: ${(err as Error).message}`, fatal: true } satisfies TokenizeResponse);
      return;
    }
    try {
      const encs = msg.pairWith === undefined ? msg.texts.map((t) => encodeSingle(tok, t, msg.maxLength)) : msg.texts.map((t) => encodePair(tok, msg.pairWith!, t, msg.maxLength));
      reply = { id: msg.id, encs };
    } catch (err) {
      reply = { id: msg.id, error: (err as Error).stack ?? String(err) };
    }
    port.postMessage(reply);
  });
}
