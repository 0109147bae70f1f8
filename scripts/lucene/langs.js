'use strict';
/** Query and document languages for the Lucene comparison scripts (compare.sh, analyzers.sh). */
const fs = require('fs');

/** qid → language, from topics JSONL ({"_id"|"id","text","lang"}) or TSV (qid<TAB>text<TAB>lang). */
function queryLanguages(topicsFile) {
  const qlang = new Map();
  for (const line of fs.readFileSync(topicsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (topicsFile.endsWith('.jsonl')) {
      const o = JSON.parse(line);
      qlang.set(String(o._id ?? o.id), o.lang ?? 'und');
    } else {
      const f = line.split('\t');
      qlang.set(f[0], f[2] ?? 'und');
    }
  }
  return qlang;
}

/** docid → language, from a docid<TAB>language file. */
function documentLanguages(file) {
  return new Map(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')));
}

module.exports = { queryLanguages, documentLanguages };
