/**
 * package.json contributions of the UI: the `clir` cell grammar (TextMate, on top of YAML) and its
 * language configuration, the first-run walkthrough, command titles, and that the VSIX keeps them.
 * The grammar's regular expressions are run by a small TextMate-like scanner (first match wins,
 * earliest position first), enough to check that keys and pipeline expressions get their scopes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  captures?: Record<string, { name: string }>;
  beginCaptures?: Record<string, { name: string }>;
  patterns?: Rule[];
}
interface Grammar { scopeName: string; patterns: Rule[]; repository: Record<string, Rule> }

type Token = [text: string, scope: string];

/** Expands `#name` includes; external includes (source.yaml) are left out. */
function flatten(g: Grammar, rules: Rule[]): Rule[] {
  return rules.flatMap((r) => {
    if (!r.include) return [r];
    if (!r.include.startsWith('#')) return [];
    const target = g.repository[r.include.slice(1)];
    return target.match || target.begin ? [target] : flatten(g, target.patterns ?? []);
  });
}

function emit(out: Token[], m: RegExpExecArray, name: string | undefined, captures: Record<string, { name: string }> | undefined): void {
  if (captures) {
    for (const [i, c] of Object.entries(captures)) if (m[Number(i)] !== undefined && m[Number(i)] !== '') out.push([m[Number(i)], c.name]);
  } else if (name) out.push([m[0], name]);
}

/** Tokens of one line, named ones only. */
function tokenize(g: Grammar, line: string): Token[] {
  const out: Token[] = [];
  const scan = (rules: Rule[], from: number): void => {
    let pos = from;
    while (pos < line.length) {
      let best: { m: RegExpExecArray; r: Rule } | undefined;
      for (const r of rules) {
        const re = new RegExp(r.match ?? r.begin!, 'gd');
        re.lastIndex = pos;
        const m = re.exec(line);
        if (m && m[0].length > 0 && (!best || m.index < best.m.index)) best = { m, r };
      }
      if (!best) return;
      emit(out, best.m, best.r.name, best.r.captures ?? best.r.beginCaptures);
      pos = best.m.index + best.m[0].length;
      if (best.r.begin) return scan(flatten(g, best.r.patterns ?? []), pos);
    }
  };
  scan(flatten(g, g.patterns), 0);
  return out;
}

describe('UI contributions: clir cell grammar, walkthrough, commands, VSIX contents', () => {
  const grammarPath = path.join(ROOT, 'syntaxes', 'clir.tmLanguage.json');
  const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as Grammar;

  it('contributes a YAML-based TextMate grammar and a language configuration for clir cells', () => {
    assert.equal(grammar.scopeName, 'source.clir');
    assert.ok(grammar.patterns.some((p) => p.include === 'source.yaml'), 'falls back to the YAML grammar');
    const contrib = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'clir');
    assert.equal(contrib.scopeName, 'source.clir');
    assert.equal(path.resolve(ROOT, contrib.path), grammarPath);
    assert.deepEqual(contrib.embeddedLanguages, { 'source.yaml': 'yaml' });
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'clir');
    const conf = JSON.parse(fs.readFileSync(path.resolve(ROOT, lang.configuration), 'utf8'));
    assert.equal(conf.comments.lineComment, '#');
    assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    // Every rule's expression compiles (JavaScript and Oniguruma share this subset).
    const all = (rules: Rule[]): Rule[] => rules.flatMap((r) => [r, ...all(r.patterns ?? [])]);
    for (const r of all([...grammar.patterns, ...Object.values(grammar.repository)])) for (const re of [r.match, r.begin, r.end]) if (re) new RegExp(re, 'd');
  });

  it('highlights step keys, cell keys, pipeline expressions and comments', () => {
    const t = (line: string) => tokenize(grammar, line);
    assert.deepEqual(t('search:'), [['search', 'keyword.control.step.clir'], [':', 'punctuation.separator.key-value.mapping.yaml']]);
    assert.deepEqual(t('  pipeline: dense:e5-small+rerank:bge-reranker-v2-m3@50'), [
      ['pipeline', 'support.type.property-name.clir'],
      [':', 'punctuation.separator.key-value.mapping.yaml'],
      ['dense', 'entity.name.function.pipeline.clir'],
      ['e5-small', 'entity.name.type.model.clir'],
      ['+', 'keyword.operator.pipeline.clir'],
      ['rerank', 'entity.name.function.pipeline.clir'],
      ['bge-reranker-v2-m3', 'entity.name.type.model.clir'],
      ['@', 'keyword.operator.depth.clir'],
      ['50', 'constant.numeric.clir'],
    ]);
    assert.deepEqual(t('  bm25-tuned: bm25(k1=1.2,b=0.75)   # tuned'), [
      ['bm25-tuned', 'entity.name.tag.pipeline-name.clir'],
      [':', 'punctuation.separator.key-value.mapping.yaml'],
      ['bm25', 'entity.name.function.pipeline.clir'],
      ['k1', 'variable.parameter.clir'], ['=', 'keyword.operator.assignment.clir'], ['1.2', 'constant.numeric.clir'],
      [',', 'punctuation.definition.flow.yaml'],
      ['b', 'variable.parameter.clir'], ['=', 'keyword.operator.assignment.clir'], ['0.75', 'constant.numeric.clir'],
      ['# tuned', 'comment.line.number-sign.clir'],
    ]);
    assert.deepEqual(t('  topics: ../sample/topics.jsonl')[0], ['topics', 'support.type.property-name.clir']);
    assert.deepEqual(t('  bm25: bm25').map(([x, s]) => `${x}|${s}`), ['bm25|entity.name.tag.pipeline-name.clir', ':|punctuation.separator.key-value.mapping.yaml', 'bm25|entity.name.function.pipeline.clir']);
    assert.deepEqual(t('  runs: [bm25, dense+rerank]').map(([x, s]) => `${x}|${s}`), [
      'runs|support.type.property-name.clir', ':|punctuation.separator.key-value.mapping.yaml', '[|punctuation.definition.flow.yaml',
      'bm25|entity.name.function.pipeline.clir', ',|punctuation.definition.flow.yaml', '+|keyword.operator.pipeline.clir', ']|punctuation.definition.flow.yaml',
    ]);
    assert.deepEqual(t('  first: rrf(qt(dict:deu-eng)>bm25,dense:demo-bert)').filter(([, s]) => s.startsWith('entity.name.function')).map(([x]) => x), ['rrf', 'qt', 'dict', 'bm25', 'dense']);
    assert.deepEqual(t('# a comment'), [['# a comment', 'comment.line.number-sign.clir']]);
  });

  it('has a first-run walkthrough whose steps link to contributed commands and have a description file', () => {
    const w = pkg.contributes.walkthroughs.find((x: { id: string }) => x.id === 'clir.firstRun');
    const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    assert.deepEqual(w.steps.map((s: { id: string }) => s.id), ['index', 'search', 'experiment', 'compare', 'judge']);
    for (const s of w.steps) {
      assert.ok(fs.statSync(path.join(ROOT, s.media.markdown)).size > 200, s.media.markdown);
      const links = [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m: RegExpMatchArray) => m[1]);
      assert.ok(links.length >= 1, s.id);
      for (const l of links) assert.ok(commands.has(l), `${s.id}: ${l} is a contributed command`);
    }
  });

  it('gives Judge a title that does not collide with "Focus on Judgements View"', () => {
    const judge = pkg.contributes.commands.find((c: { command: string }) => c.command === 'clir.judge');
    assert.equal(`${judge.category}: ${judge.title}`, 'CLIR: Judge Relevance…');
    const titles = pkg.contributes.commands.map((c: { category?: string; title: string }) => `${c.category ?? ''}: ${c.title}`);
    assert.equal(new Set(titles).size, titles.length, 'command titles are unique');
  });

  it('packages every file the manifest points at (grammar, language configuration, walkthrough, icons)', () => {
    // scripts/package.js stages the VSIX from an explicit list; each path package.json refers to must be on it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { isPackaged } = require(path.join(ROOT, 'scripts', 'package.js')) as { isPackaged(rel: string): boolean };
    const refs = new Set<string>();
    JSON.stringify(pkg.contributes, (_k, v: unknown) => {
      if (typeof v === 'string' && /^\.?\/?(media|syntaxes|language-configuration|dist|models)\b/.test(v)) refs.add(v.replace(/^\.\//, ''));
      return v;
    });
    for (const f of fs.readdirSync(path.join(ROOT, 'media', 'walkthrough'))) refs.add(`media/walkthrough/${f}`);
    assert.ok(refs.has('syntaxes/clir.tmLanguage.json') && refs.has('language-configuration.json'), [...refs].join(', '));
    for (const f of refs) {
      if (f.startsWith('dist/')) continue; // built by the bundler into dist/, which is staged whole
      assert.ok(isPackaged(f), `${f} is referenced by package.json but not packaged`);
      assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} exists`);
    }
  });
});
