/**
 * Tokenizer worker thread (issue 17): tokenises the next group of texts while the main thread waits
 * for the GPU on the current one (onnxruntime-node's `run` blocks the thread that calls it, so the
 * overlap needs a second thread). Bundled as its own entry (dist/tokenize-worker.js,
 * scripts/bundle.js); tokenize-ahead.ts finds it next to itself (out/src/core/models/ or dist/).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodePair, encodeSingle, TokenizerLike } from './tokenize';
import type { TokenizeRequest, TokenizeResponse, TokenizerSource } from './tokenize-ahead';

if (parentPort) {
  const port = parentPort;
  const src = workerData as TokenizerSource;
  const ready = (async () => {
    const tf = await import('@huggingface/transformers');
    return (await tf.AutoTokenizer.from_pretrained(src.source, src.options as never)) as unknown as TokenizerLike;
  })();
  port.on('message', async (msg: TokenizeRequest) => {
    let reply: TokenizeResponse;
    try {
      const tok = await ready;
      const encs = msg.pairWith === undefined ? msg.texts.map((t) => encodeSingle(tok, t, msg.maxLength)) : msg.texts.map((t) => encodePair(tok, msg.pairWith!, t, msg.maxLength));
      reply = { id: msg.id, encs };
    } catch (err) {
      reply = { id: msg.id, error: (err as Error).stack ?? String(err) };
    }
    port.postMessage(reply);
  });
}
