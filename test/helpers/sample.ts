import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './tmp';

export interface SampleDoc {
  _id: string;
  title?: string;
  text: string;
}

/** The bundled sample collection's documents (sample/beir/corpus.jsonl), in file order. */
export function sampleDocs(): SampleDoc[] {
  return fs
    .readFileSync(path.join(REPO_ROOT, 'sample', 'beir', 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SampleDoc);
}
