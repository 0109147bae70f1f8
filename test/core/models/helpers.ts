import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDemoModels, repoRoot, DemoModelFolders } from '../../../scripts/demo-models';
import '../../setup/demo-models';

export const LEXICON = path.join(repoRoot(), 'test', 'core', 'models', 'fixtures', 'lexicon.json');

let shared: { dir: string; folders: Promise<DemoModelFolders> } | undefined;

/** Demo models generated once per test run from the test lexicon into a temp folder. */
export function testModels(): { dir: string; folders: Promise<DemoModelFolders> } {
  if (!shared) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-models-test-'));
    shared = { dir, folders: ensureDemoModels({ outDir: dir, lexiconPath: LEXICON }) };
  }
  return shared;
}

export function cos(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(cos(a, a));
}
