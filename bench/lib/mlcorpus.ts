/**
 * A generated multilingual passage collection for the BM25 benchmark: every document is 4 sentences
 * of one language, built from the real sentences of the bundled sample (sample/beir/corpus.jsonl,
 * 10 languages) with about a third of the words replaced by pseudo-words of the same script from a
 * Zipf lexicon (so the vocabulary grows like a real collection's while stop words, morphology and
 * language identification stay real). Queries are 3–8 consecutive words of a random document.
 * Deterministic for a seed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rng } from './vectors';

interface Lang {
  lang: string;
  sentences: string[][];
  spaced: boolean;
  lexicon: string[];
  letters: string;
}

const UNSPACED = new Set(['zh', 'ja', 'th']);

export function loadLanguages(root: string, seed = 1): Lang[] {
  const r = rng(seed);
  const byLang = new Map<string, string[]>();
  const langs = new Map(
    fs
      .readFileSync(path.join(root, 'sample', 'corpus-languages.tsv'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
  for (const line of fs.readFileSync(path.join(root, 'sample', 'beir', 'corpus.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { _id: string; title: string; text: string };
    const lang = langs.get(d._id) ?? d._id.split('/')[0];
    const sents = `${d.title}. ${d.text}`.split(/(?<=[.!?।。！？])\s*/u).filter((s) => s.trim().length > 3);
    const l = byLang.get(lang) ?? [];
    l.push(...sents);
    byLang.set(lang, l);
  }
  const out: Lang[] = [];
  for (const [lang, sents] of byLang) {
    const spaced = !UNSPACED.has(lang);
    const tokens = sents.map((s) => (spaced ? s.split(/\s+/) : Array.from(s)));
    const letters = [...new Set(tokens.flat().join('').toLowerCase().replace(/[\p{P}\p{N}\s]/gu, ''))].join('');
    const lexicon: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const n = spaced ? 3 + Math.floor(r() * 7) : 1 + Math.floor(r() * 2);
      let w = '';
      for (let j = 0; j < n; j++) w += letters[Math.floor(r() * letters.length)];
      lexicon.push(w);
    }
    out.push({ lang, sentences: tokens, spaced, lexicon, letters });
  }
  return out.sort((a, b) => (a.lang < b.lang ? -1 : 1));
}

export function generateCorpus(root: string, n: number, seed = 1): { docs: { id: string; text: string; lang: string }[]; queries: { id: string; text: string; lang: string }[] } {
  const langs = loadLanguages(root, seed);
  const r = rng(seed + 1);
  const zipf = (len: number) => Math.min(len - 1, Math.floor(Math.pow(r(), 2.5) * len));
  const docs: { id: string; text: string; lang: string }[] = [];
  for (let i = 0; i < n; i++) {
    const L = langs[i % langs.length];
    const sents: string[] = [];
    for (let s = 0; s < 4; s++) {
      const base = L.sentences[Math.floor(r() * L.sentences.length)];
      const words = base.map((w) => (r() < 0.35 ? L.lexicon[zipf(L.lexicon.length)] : w));
      sents.push(words.join(L.spaced ? ' ' : ''));
    }
    docs.push({ id: `d${i}`, text: sents.join(L.spaced ? ' ' : ''), lang: L.lang });
  }
  return { docs, queries: [] };
}

export function generateQueries(docs: { id: string; text: string; lang: string }[], n: number, seed = 3): { id: string; text: string; lang: string }[] {
  const r = rng(seed);
  const out: { id: string; text: string; lang: string }[] = [];
  for (let i = 0; i < n; i++) {
    const d = docs[Math.floor(r() * docs.length)];
    const spaced = !UNSPACED.has(d.lang);
    const toks = spaced ? d.text.split(/\s+/) : Array.from(d.text);
    const len = spaced ? 3 + Math.floor(r() * 6) : 4 + Math.floor(r() * 8);
    const s = Math.floor(r() * Math.max(1, toks.length - len));
    out.push({ id: `q${i}`, text: toks.slice(s, s + len).join(spaced ? ' ' : '').replace(/[.,;:!?。]/g, ' ').trim(), lang: d.lang });
  }
  return out;
}
