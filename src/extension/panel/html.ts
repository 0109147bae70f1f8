/**
 * The Workbench webview page: strict Content-Security-Policy with a per-load nonce, no remote
 * origins. No `vscode` import, so the browser tests build the very same page.
 */

/** 32 random bytes as base64url-ish alphanumerics (CSP nonce). */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(bytes, (b) => abc[b % abc.length]).join('');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface WorkbenchHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/workbench.js)` as a string. */
  scriptUri: string;
  styleUri: string;
  title?: string;
}

export function workbenchHtml(o: WorkbenchHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('invalid nonce');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${o.nonce}" href="${attr(o.styleUri)}">
<title>${attr(o.title ?? 'CLIR Workbench')}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading the CLIR Workbench…</p></main>
<script nonce="${o.nonce}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
