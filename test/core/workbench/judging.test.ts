/**
 * One definition of "judged" (src/core/views/qrels.ts judgedQrels): imported qrels plus the
 * assessor's own judgements. The Judgements view's pool and topic counts (JudgingService), the
 * Judge panel's pool view (buildPoolView: grades, progress, where the queue resumes) and notebook
 * judge cells agree, and the queue skips pairs the imported qrels already label.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Qrels } from '../../../src/core/eval/types';
import { buildPoolView } from '../../../src/core/views/build';
import { countJudged, judgedQrels } from '../../../src/core/views/qrels';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { tmpDir } from '../../helpers/tmp';

describe('judged: one definition for panel, tree and notebook', () => {
  let wb: Workbench;
  const pairs = ['d1', 'd2', 'd3', 'd4', 'd5'].map((docId) => ({ qid: 'q1', docId }));
  beforeEach(() => {
    wb = openWorkbench(path.join(tmpDir(), 'index.db'));
    // Imported qrels label d1 and d2; alice judged d3 (and re-judged d1), bob judged d4.
    wb.judgements.importQrels(new Map([['q1', new Map([['d1', 1], ['d2', 0]])]]), 'qrels.txt');
    wb.judgements.createPool('pool', 5, ['#1'], [[{ qid: 'q1', docIds: pairs.map((p) => p.docId) }]]);
    wb.judgements.judge({ assessor: 'alice', qid: 'q1', docId: 'd3', grade: 2 });
    wb.judgements.judge({ assessor: 'alice', qid: 'q1', docId: 'd1', grade: 3 });
    wb.judgements.judge({ assessor: 'bob', qid: 'q1', docId: 'd4', grade: 1 });
  });
  afterEach(async () => {
    await wb.close();
  });

  it('counts imported qrels plus the assessor\'s own judgements', () => {
    const svc = wb.services.judging;
    assert.equal(svc.pools('alice')[0].judged, 3, 'd1, d2 imported; d3 by alice');
    assert.equal(svc.pools('bob')[0].judged, 3, 'd1, d2 imported; d4 by bob');
    assert.equal(svc.pools()[0].judged, 4, 'without an assessor, anyone\'s judgement counts');
    assert.equal(svc.overview('alice').topics.find((t) => t.qid === 'q1')!.judged, 3);
    assert.deepEqual(
      svc.poolItems(svc.pools('alice')[0].id, 'alice').map((i) => i.grade),
      [3, 0, 2, null, null],
      'alice\'s grade overrides the imported label',
    );
  });

  it('the Judge panel shows the same count, marks imported labels and resumes past them', () => {
    const imported: Qrels = new Map([['q1', new Map([['d1', 1], ['d2', 0]])]]);
    const js = wb.services.judging.current().map((j) => ({ assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, at: j.createdAt }));
    const view = buildPoolView({ poolId: 'p', assessor: 'alice', description: 'pool', entries: pairs, topics: [{ id: 'q1', text: 'bees' }], docs: new Map(), judgements: js, imported });
    const judged = view.items.filter((i) => i.grade !== null).length;
    assert.equal(judged, wb.services.judging.pools('alice')[0].judged, 'panel "N / M judged" = Judgements view');
    assert.equal(judged, countJudged(pairs, judgedQrels(imported, js, 'alice')));
    assert.deepEqual(view.items.map((i) => i.imported ?? false), [false, true, false, false, false]);
    assert.equal(view.position, 3, 'the queue starts at the first pair neither imported nor judged by alice');
    const fresh = buildPoolView({ poolId: 'p', assessor: 'carol', description: 'pool', entries: pairs, topics: [], docs: new Map(), judgements: js, imported });
    assert.equal(fresh.position, 2, 'a new assessor also skips the imported labels');
  });

  it('a notebook judge cell counts "not judged yet" the same way', () => {
    const alice = wb.services.judging.judged('alice');
    assert.equal(pairs.length - countJudged(pairs, alice), 2);
  });
});
