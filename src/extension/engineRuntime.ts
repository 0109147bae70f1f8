/**
 * Which executable runs the engine process, and how its start-up failures reach the user.
 *
 * The engine never runs on the extension host's own runtime (Electron in desktop VS Code, Node 24 in
 * code-server): its native modules are built for one Node ABI, so the platform-specific VSIX ships that
 * Node as runtime/node (runtime/node.exe on Windows). `clir.engine.runtimePath` overrides it with a Node
 * of the user's choice. See docs/extension.md, "Engine runtime".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StartFailure } from '../engine/startup-errors';
import { RUNTIME_SETTING } from '../engine/startup-errors';
import { cfg } from './config';

export interface EngineRuntime {
  /** The executable that runs dist/engine.js. */
  execPath: string;
  /** True when it came from clir.engine.runtimePath. */
  fromSetting: boolean;
}


function expandHome(p: string): string {
  return p.replace(/^~(?=$|[\\/])/, os.homedir());
}

/** The configured runtime, else the one inside the extension. Makes the shipped one executable if unzipping lost its mode. */
export function engineRuntime(context: vscode.ExtensionContext): EngineRuntime {
  const configured = cfg().get<string>('engine.runtimePath', '').trim();
  if (configured) return { execPath: path.resolve(expandHome(configured)), fromSetting: true };
  const execPath = context.asAbsolutePath(path.join('runtime', process.platform === 'win32' ? 'node.exe' : 'node'));
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(execPath, fs.constants.X_OK);
    } catch {
      // Some unzip paths drop the executable bit; restoring it is harmless, and if it fails the spawn
      // error explains what to do.
      try {
        if (fs.existsSync(execPath)) fs.chmodSync(execPath, 0o755);
      } catch {
        /* reported by the spawn */
      }
    }
  }
  return { execPath, fromSetting: false };
}

/**
 * Shows a start-up failure once per kind (until the engine starts again) with the buttons that fix it.
 * Returns the shown promise for tests.
 */
export class StartFailureNotifier {
  private readonly shown = new Set<string>();

  /** `docsPath`: docs/extension.md inside the extension (it ships in the VSIX), opened as a preview. */
  constructor(private readonly output: vscode.OutputChannel, private readonly docsPath: string) {}

  reset(): void {
    this.shown.clear();
  }

  notify(failure: StartFailure, where?: string): Thenable<unknown> | undefined {
    this.output.appendLine(`${where ? `[${where}] ` : ''}engine start failed (${failure.kind}): ${failure.detail}`);
    if (this.shown.has(failure.kind)) return undefined;
    this.shown.add(failure.kind);
    const actions = ['Show Engine Output', ...(failure.setting ? ['Open Setting'] : []), 'Troubleshooting'];
    const show = failure.kind === 'onnxruntime' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    return show(/\bCLIR\b/.test(failure.message) ? failure.message : `CLIR: ${failure.message}`, ...actions).then((a) => {
      if (a === 'Show Engine Output') this.output.show();
      else if (a === 'Open Setting') void vscode.commands.executeCommand('workbench.action.openSettings', failure.setting ?? RUNTIME_SETTING);
      else if (a === 'Troubleshooting') void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(this.docsPath));
      return a;
    });
  }
}
