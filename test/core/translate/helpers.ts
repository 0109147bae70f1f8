import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureTranslationModels } from '../../../scripts/translate-models';
import { REPO_ROOT } from '../../helpers/tmp';

export const DICT_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'dict');
export const MINI_DICTD = path.join(DICT_FIXTURES, 'freedict-deu-eng-mini.index');
export const MINI_TEI = path.join(DICT_FIXTURES, 'deu-eng-mini.tei');
export const DEBIAN_DEU_ENG = '/usr/share/dictd/freedict-deu-eng.index';

let models: Record<string, string> | undefined;

/** The tiny generated translation models, written once per test run into a temp folder. */
export function tinyModels(): Record<string, string> {
  if (!models) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-mt-test-'));
    models = ensureTranslationModels({ outDir: dir, lexiconPath: path.join(REPO_ROOT, 'sample', 'lexicon.json') });
  }
  return models;
}
