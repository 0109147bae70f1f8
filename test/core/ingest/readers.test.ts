/**
 * Extracted text maps back to the source (src/core/ingest/readers.ts + the chunk offsets the index
 * stores): an HTML or Markdown hit's chunk.start/end select the passage in the file itself, the
 * DOCTYPE is not text, Markdown snippets carry no syntax, a PDF hit names its page, and an index
 * built by the previous extractor is re-extracted.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { htmlToText, markdownToText, pdfPageAt, pdfPageView, PDF_PAGE_BREAK, pdfToText, sourceRange } from '../../../src/core/ingest/readers';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { makePdfPages, REPO_ROOT, tmpDir } from '../../helpers/tmp';
import { storeDb } from '../../helpers/store';

const HTML_FILE = path.join(REPO_ROOT, 'sample/corpus/es/erupcion-volcan-la-palma.html');
const MD_FILE = path.join(REPO_ROOT, 'sample/corpus/es/cultivo-cafe-colombia.md');

/** The visible text of an HTML fragment, whitespace collapsed (to compare a source range with a chunk). */
function visible(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

describe('readers: extracted text maps back to the source', () => {
  it('HTML: no DOCTYPE in the text, and every character maps to its source character', () => {
    const html = fs.readFileSync(HTML_FILE, 'utf8');
    const x = htmlToText(html);
    assert.ok(x.text.startsWith('La erupción del volcán de La Palma'), x.text.slice(0, 40));
    assert.doesNotMatch(x.text, /DOCTYPE|<|etiquetas|margin/);
    assert.equal(x.map!.starts.length, x.text.length);
    for (let i = 0; i < x.text.length; i++) {
      if (/\s/.test(x.text[i])) continue;
      assert.equal(html.slice(x.map!.starts[i], x.map!.ends[i]), x.text[i], `text[${i}]`);
    }
    const i = x.text.indexOf('Las coladas');
    const r = sourceRange(x.map, i, i + 'Las coladas de lava'.length);
    assert.equal(html.slice(r.start, r.end), 'Las coladas de lava');
  });

  it('HTML: entities map to their whole source spelling', () => {
    const html = '<!doctype html><p>Salt &amp; pepper&nbsp;&#233;t&#xE9;</p><!-- hidden --><p>B</p>';
    const x = htmlToText(html);
    assert.equal(x.text, 'Salt & pepper été\n\nB');
    const r = sourceRange(x.map, 0, x.text.indexOf('\n'));
    assert.equal(html.slice(r.start, r.end), 'Salt &amp; pepper&nbsp;&#233;t&#xE9;');
  });

  it('Markdown: syntax removed, characters kept in place', () => {
    const md = fs.readFileSync(MD_FILE, 'utf8');
    const x = markdownToText(md);
    assert.equal(x.title, 'El cultivo del café en Colombia');
    assert.doesNotMatch(x.text, /^\s*#/m);
    for (let i = 0; i < x.text.length; i++) assert.equal(md[x.map!.starts[i]], x.text[i]);
    const y = markdownToText('# Title\n\nA **bold** [link](http://x.y/z) and `code`, snake_case and 2 * 3.\n\n- item\n1. first\n> quote\n');
    assert.equal(y.text, 'Title\n\nA bold link and code, snake_case and 2 * 3.\n\nitem\nfirst\nquote\n');
  });

  it('PDF: pages are separated, a page view selects the passage on its page', async () => {
    const { text } = await pdfToText(makePdfPages(['Erster Teil ueber Bienen.', 'Honig wird im Sommer geerntet.', 'Dritte Seite.']));
    assert.equal(text.split(PDF_PAGE_BREAK).length, 3);
    const at = text.indexOf('Honig');
    assert.equal(pdfPageAt(text, at), 2);
    const v = pdfPageView(text, at, at + 'Honig wird'.length, 'b.pdf');
    assert.equal(v.page, 2);
    assert.equal(v.pages, 3);
    assert.match(v.content, /^b\.pdf — page 2 of 3/);
    assert.equal(v.content.slice(v.selStart, v.selEnd), 'Honig wird');
  });

  describe('index and search', () => {
    let root: string;
    let wb: Workbench;
    beforeEach(() => {
      root = tmpDir();
      wb = openWorkbench(path.join(tmpDir(), 'index.db'));
      fs.copyFileSync(HTML_FILE, path.join(root, 'palma.html'));
      fs.copyFileSync(MD_FILE, path.join(root, 'cafe.md'));
      fs.writeFileSync(path.join(root, 'bienen.pdf'), makePdfPages(['Erster Teil ueber Bienen.', 'Honig wird im Sommer geerntet.']));
    });
    afterEach(async () => {
      await wb.close();
    });

    it('an HTML hit covers its passage in the file, starting at a word', async () => {
      await wb.index(root);
      const html = fs.readFileSync(path.join(root, 'palma.html'), 'utf8');
      const res = await wb.search('erupción volcán La Palma', { pipeline: 'bm25' });
      const hit = res.hits.find((h) => h.docId === 'palma.html')!;
      assert.ok(hit, 'the HTML document is found');
      assert.doesNotMatch(hit.chunk.text, /DOCTYPE/);
      assert.doesNotMatch(hit.snippet, /DOCTYPE|</);
      const src = html.slice(hit.chunk.start, hit.chunk.end);
      assert.doesNotMatch(src, /^</, 'the range starts at text, not at a tag');
      assert.match(html.slice(hit.chunk.start - 1, hit.chunk.start + 1), /^[>\s]\S/, 'the range starts at a word');
      assert.equal(visible(src), hit.chunk.text.replace(/\s+/g, ' ').trim());
    });

    it('a Markdown hit covers its passage in the file, its snippet shows no #', async () => {
      await wb.index(root);
      const md = fs.readFileSync(path.join(root, 'cafe.md'), 'utf8');
      const hit = (await wb.search('café Colombia cosecha', { pipeline: 'bm25' })).hits.find((h) => h.docId === 'cafe.md')!;
      assert.doesNotMatch(hit.snippet, /#/);
      const src = md.slice(hit.chunk.start, hit.chunk.end);
      assert.equal(src.replace(/^#+\s*/gm, '').replace(/\s+/g, ' ').trim(), hit.chunk.text.replace(/\s+/g, ' ').trim());
    });

    it('a PDF hit names its page', async () => {
      await wb.index(root, { chunkTokens: 16, chunkOverlap: 0 });
      const hit = (await wb.search('Honig Sommer', { pipeline: 'bm25' })).hits.find((h) => h.docId === 'bienen.pdf')!;
      assert.equal(hit.chunk.page, 2);
      const txt = (await wb.search('palma', { pipeline: 'bm25' })).hits[0];
      assert.equal(txt.chunk.page, undefined);
    });

    it('an index from the previous extractor is re-extracted', async () => {
      await wb.index(root);
      // What an index built before source offsets records: a chunking signature without the extractor version.
      const row = storeDb(wb).prepare('SELECT id, options FROM roots').get() as { id: number; options: string };
      const opts = JSON.parse(row.options) as { chunking: string };
      storeDb(wb).prepare('UPDATE roots SET options = ? WHERE id = ?').run(JSON.stringify({ ...opts, chunking: opts.chunking.replace(/:x\d+$/, '') }), row.id);
      storeDb(wb).prepare('UPDATE chunks SET src_start = NULL, src_end = NULL').run();
      const again = await wb.index(root);
      assert.equal(again.updated, 3);
      const n = storeDb(wb).prepare("SELECT COUNT(*) AS n FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.doc_key = 'palma.html' AND c.src_start IS NOT NULL").get() as { n: number };
      assert.ok(n.n > 0);
    });
  });
});
