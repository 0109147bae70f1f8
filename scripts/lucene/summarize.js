#!/usr/bin/env node
// Collects the `clir compare` / `clir analyze` JSON written by scripts/lucene/compare.sh into one
// results file and prints Markdown tables (per query language, per setting, full and monolingual qrels).
//   node scripts/lucene/summarize.js <work> <results.json> "<k1,b ...>" <lucene jar> <corpus> <topics> <qrels>
'use strict';
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

const [work, resultsFile, settingsArg, jar, corpus, topics, qrels] = process.argv.slice(2);
const settings = settingsArg.trim().split(/\s+/).map((s) => {
  const [k1, b] = s.split(',');
  return { k1: Number(k1), b: Number(b), tag: `k1=${k1},b=${b}` };
});
const MEASURES = ['ndcg_cut_10', 'recall_100', 'recip_rank'];
const LABEL = { ndcg_cut_10: 'nDCG@10', recall_100: 'R@100', recip_rank: 'MRR' };
const sh = (cmd) => { try { return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return ''; } };
const read = (f) => JSON.parse(fs.readFileSync(path.join(work, 'eval', f), 'utf8'));

const groups = fs.readdirSync(path.join(work, 'qrels')).map((f) => f.replace(/\.txt$/, ''));
const langs = [...new Set(groups.map((g) => g.split('.')[1]))].filter((l) => l !== 'all').sort();
const order = ['all', ...langs];

const result = {
  description: 'BM25 of CLIR Workbench vs. Lucene StandardAnalyzer + BM25Similarity; same collection, same k1/b. '
    + 'Lucene is the baseline in every comparison; delta = ours - Lucene; p = two-sided paired t-test (clir compare, Holm over the 3 measures).',
  generatedBy: 'scripts/lucene/compare.sh',
  date: new Date().toISOString(),
  lucene: { jar, debianPackage: sh("dpkg-query -W -f='${Package} ${Version}' liblucene8-java"), java: sh('java -version 2>&1 | head -n1') },
  ours: { commit: sh('git rev-parse --short=12 HEAD'), node: process.version },
  collection: { corpus, topics, qrels },
  evaluation: {
    complete: true,
    relevanceLevel: 1,
    full: 'all judgements (cross-language relevant documents included: unreachable for any lexical BM25)',
    mono: 'judgements restricted to documents in the query\'s language; runs unchanged',
    analyzeDiagonal: 'clir analyze cell (query language -> same document language): qrels AND run restricted to that language',
  },
  settings: [],
};

for (const s of settings) {
  const entry = { k1: s.k1, b: s.b, full: {}, mono: {}, analyzeDiagonal: {} };
  for (const g of groups) {
    const [kind, lang] = g.split('.');
    const c = read(`compare.${s.tag}.${g}.json`);
    const row = {};
    for (const r of c.rows) {
      row[r.measure] = {
        lucene: r.baselineMean, ours: r.mean, delta: r.delta, wins: r.wins, ties: r.ties, losses: r.losses,
        pRaw: r.pRaw, pAdjusted: r.pAdjusted, significant: r.significant,
      };
    }
    entry[kind][lang] = { queries: c.rows[0].n, ...row };
  }
  // Ranking parity: queries whose top 10 (docids, in order) are identical in both runs.
  const top10 = (f) => {
    const m = new Map();
    for (const line of fs.readFileSync(path.join(work, f), 'utf8').split('\n')) {
      const x = line.trim().split(/\s+/);
      if (x.length < 6) continue;
      const l = m.get(x[0]) ?? (m.set(x[0], []), m.get(x[0]));
      l.push([x[2], Number(x[4])]);
    }
    for (const [q, l] of m) m.set(q, l.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, 10).map((d) => d[0]).join(' '));
    return m;
  };
  const lt = top10(`lucene.${s.tag}.run`), ot = top10(`clir.${s.tag}.run`);
  entry.identicalTop10 = {};
  for (const g of groups.filter((x) => x.startsWith('full.'))) {
    const lang = g.split('.')[1];
    const qids = [...new Set(fs.readFileSync(path.join(work, 'qrels', `${g}.txt`), 'utf8').split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]))];
    entry.identicalTop10[lang] = { queries: qids.length, identical: qids.filter((q) => (lt.get(q) ?? '') === (ot.get(q) ?? '')).length };
  }
  for (const m of MEASURES) {
    const a = read(`analyze.${s.tag}.${m}.json`);
    const [luc, ours] = a.runs;
    for (const p of ours.pairs) {
      if (p.queryLang !== p.docLang) continue;
      const lp = luc.pairs.find((x) => x.queryLang === p.queryLang && x.docLang === p.docLang);
      const cell = (entry.analyzeDiagonal[p.queryLang] ??= { queries: p.n });
      cell[m] = { lucene: lp ? lp.means[m] : null, ours: p.means[m] };
    }
  }
  result.settings.push(entry);
}
fs.writeFileSync(resultsFile, JSON.stringify(result, null, 2) + '\n');

// ---- Markdown -------------------------------------------------------------------------------
const f3 = (x) => (x == null ? '–' : x.toFixed(3));
const sign = (x) => (x > 0.0005 ? `+${x.toFixed(3)}` : x < -0.0005 ? x.toFixed(3) : '0');
for (const s of result.settings) {
  for (const kind of ['mono', 'full']) {
    console.log(`\n### k1=${s.k1}, b=${s.b} — ${kind === 'mono' ? 'monolingual qrels' : 'all qrels'} (Lucene | ours | Δ, W/T/L)\n`);
    console.log(`| query lang | n | ${MEASURES.map((m) => `${LABEL[m]} Lucene | ours | Δ (W/T/L)`).join(' | ')} |`);
    console.log(`|---|---|${MEASURES.map(() => '---|---|---|').join('')}`);
    for (const lang of order) {
      const r = s[kind][lang];
      if (!r) continue;
      const cells = MEASURES.map((m) => {
        const v = r[m];
        return `${f3(v.lucene)} | ${f3(v.ours)} | ${sign(v.delta)} (${v.wins}/${v.ties}/${v.losses})${v.significant ? ' *' : ''}`;
      });
      console.log(`| ${lang} | ${r.queries} | ${cells.join(' | ')} |`);
    }
  }
  console.log(`\n### k1=${s.k1}, b=${s.b} — queries with an identical top 10 (Lucene vs ours)\n`);
  console.log(order.filter((l) => s.identicalTop10[l]).map((l) => `${l} ${s.identicalTop10[l].identical}/${s.identicalTop10[l].queries}`).join(', '));
  console.log(`\n### k1=${s.k1}, b=${s.b} — clir analyze diagonal (query lang → same doc lang; run filtered too)\n`);
  console.log(`| query lang | n | ${MEASURES.map((m) => `${LABEL[m]} Lucene | ours`).join(' | ')} |`);
  console.log(`|---|---|${MEASURES.map(() => '---|---|').join('')}`);
  for (const lang of langs) {
    const r = s.analyzeDiagonal[lang];
    if (!r) continue;
    console.log(`| ${lang} | ${r.queries} | ${MEASURES.map((m) => `${f3(r[m].lucene)} | ${f3(r[m].ours)}`).join(' | ')} |`);
  }
}
console.error(`\nwrote ${resultsFile}`);
