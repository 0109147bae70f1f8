/** The VS Code webview API, wrapped: validated messages in both directions, persisted state. */
import { ToHost, ToWebview, validateToHost, validateToWebview } from '../../src/core/views/protocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function send(msg: ToHost): void {
  const v = validateToHost(msg);
  if (!v.ok) {
    // A bug on this side: never send something the host would reject.
    console.error(`[clir-workbench] not sending invalid ${msg.type}: ${v.error}`);
    return;
  }
  api.postMessage(msg);
}

export function getState<T>(): T | undefined {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as T) : undefined;
}

export function setState(state: unknown): void {
  api.setState(state);
}

/** Listens for host messages; invalid ones are rejected, logged and reported to the host. */
export function onMessage(handler: (msg: ToWebview) => void): void {
  window.addEventListener('message', (ev: MessageEvent) => {
    const v = validateToWebview(ev.data);
    if (!v.ok) {
      console.warn(`[clir-workbench] rejected message: ${v.error}`);
      rejectedCount++;
      document.body.dataset.rejected = String(rejectedCount);
      send({ type: 'protocolError', reason: v.error.slice(0, 2000), ...(v.messageType ? { messageType: v.messageType } : {}) });
      return;
    }
    handler(v.message);
  });
}

let rejectedCount = 0;
