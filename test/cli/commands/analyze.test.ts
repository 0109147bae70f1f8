/**
 * `clir analyze` text output (src/cli/commands/analyze.ts): columns as wide as their widest cell
 * (four-digit n no longer runs into the next column), and document languages detected for only a
 * few documents folded into "other" (never a query language).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { foldRareLanguages, formatPairTable, OTHER_LANG } from '../../../src/cli/commands/analyze';
import { clir } from '../../helpers/cli';
import { tmpDir, writeFiles } from '../../helpers/tmp';

describe('clir analyze: the language-pair table', () => {
  it('keeps columns apart when n has four digits', () => {
    const cells = [
      { queryLang: 'de', docLang: 'de', n: 2, means: { ndcg_cut_10: 0 } },
      { queryLang: 'de', docLang: 'en', n: 1186, means: { ndcg_cut_10: 0.705 } },
      { queryLang: 'en', docLang: 'en', n: 10432, means: { ndcg_cut_10: 0.5 } },
    ];
    const out = formatPairTable(cells, 'ndcg_cut_10');
    assert.doesNotMatch(out, /\)\d/, 'no cell runs into the next');
    const lines = out.trimEnd().split('\n');
    assert.match(lines[1], /^de\s+0\.000 \(2\)\s+0\.705 \(1186\)$/);
    assert.match(lines[2], /^en\s+-\s+0\.500 \(10432\)$/);
    assert.equal(new Set(lines.map((l) => l.length)).size, 1, 'aligned columns');
  });

  it('folds rare document languages into "other", listed last', () => {
    const docLang = new Map<string, string>([
      ...Array.from({ length: 5 }, (_, i) => [`en${i}`, 'en'] as [string, string]),
      ...Array.from({ length: 4 }, (_, i) => [`de${i}`, 'de'] as [string, string]),
      ['x1', 'eo'], ['x2', 'la'], ['x3', 'la'], ['h1', 'hi'],
    ]);
    const f = foldRareLanguages(docLang, ['en', 'de', 'hi'], 3);
    assert.deepEqual(f.folded, ['eo', 'la']);
    assert.equal(f.docLang.get('x2'), OTHER_LANG);
    assert.equal(f.docLang.get('h1'), 'hi', 'a query language is never folded');
    assert.deepEqual(foldRareLanguages(docLang, [], 1).folded, []);
    const out = formatPairTable([
      { queryLang: 'en', docLang: OTHER_LANG, n: 1, means: { m: 0.1 } },
      { queryLang: 'en', docLang: 'de', n: 3, means: { m: 0.2 } },
    ], 'm');
    assert.match(out.split('\n')[0], /de\s+other$/);
  });
});

describe('clir diff --json: the output shape users script against', () => {
  it('names a moved document `docid` (trec_eval\'s word), as before the TypeScript side spelled it docId', () => {
    const dir = tmpDir();
    writeFiles(dir, {
      'qrels.txt': 'q1 0 d1 1\nq1 0 d2 0\n',
      'a.run': 'q1 Q0 d1 1 2.0 a\nq1 Q0 d2 2 1.0 a\n',
      'b.run': 'q1 Q0 d2 1 2.0 b\nq1 Q0 d1 2 1.0 b\n',
    });
    const r = clir(['diff', path.join(dir, 'a.run'), path.join(dir, 'b.run'), '--qrels', path.join(dir, 'qrels.txt'), '--db', path.join(dir, 'none.db'), '-k', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { movements: { qid: string; docs: Record<string, unknown>[] }[] };
    assert.equal(out.movements[0].qid, 'q1');
    const docs = out.movements[0].docs;
    assert.deepEqual(docs.map((d) => Object.keys(d)[0]), ['docid', 'docid']);
    assert.deepEqual(docs.map((d) => [d.docid, d.rankA, d.rankB, d.rel]).sort(), [['d1', 1, 2, 1], ['d2', 2, 1, 0]]);
    assert.ok(docs.every((d) => !('docId' in d)));
  });
});
