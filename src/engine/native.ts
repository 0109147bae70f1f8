/**
 * Lets a host whose Node ABI differs from the project's build (code-server on Node 24, a desktop
 * VS Code's Electron) load a matching better-sqlite3 from another folder:
 * CLIR_NATIVE_MODULES=/path/to/node_modules redirects `require('better-sqlite3')` there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module = require('node:module');

const REDIRECTED = ['better-sqlite3'];

export function installNativeModuleOverrides(dir = process.env.CLIR_NATIVE_MODULES): void {
  if (!dir) return;
  const M = Module as unknown as {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options?: unknown): string {
    if (REDIRECTED.includes(request)) {
      const candidate = path.join(dir, request);
      if (fs.existsSync(candidate)) return original.call(this, candidate, parent, isMain, options);
    }
    return original.call(this, request, parent, isMain, options);
  };
}
