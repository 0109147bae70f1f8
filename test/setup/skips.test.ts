import * as assert from 'node:assert/strict';
import { classify, formatReport } from './skips';

describe('test-skip report', () => {
  it('names the reason and the fix for every skipped suite; unknown skips are never optional', () => {
    const browser = classify('Workbench webview (headless Chromium) renders the comparison');
    assert.match(browser.reason, /apt-get install chromium/);
    assert.equal(browser.optional, false);
    assert.equal(classify('CLIR notebooks in a real VS Code host opens the example').optional, true);
    const unknown = classify('some suite some test');
    assert.equal(unknown.optional, false);
    assert.match(unknown.reason, /without a recorded reason/);
    const text = formatReport([
      { title: 'A (headless Chromium) :: t1', ...browser },
      { title: 'A (headless Chromium) :: t2', ...browser },
      { title: 'B :: t3', ...unknown },
    ]);
    assert.match(text, /3 tests skipped:/);
    assert.match(text, /- 2 because no Chromium found[^\n]*\n\s+A \(headless Chromium\) \(2\)/);
    assert.match(text, /- 1 because skipped without a recorded reason[^\n]*\n\s+B \(1\)/);
    assert.equal(formatReport([]), '');
  });
});
