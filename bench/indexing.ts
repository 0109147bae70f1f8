/** End-to-end indexing of a generated workspace (.txt / .md / .html in six scripts) in a child process. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { textGen } from './lib/text';
import { log, round } from './lib/util';

export function makeWorkspace(dir: string, files: number): { bytes: number } {
  fs.rmSync(dir, { recursive: true, force: true });
  const g = textGen(files * 31);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `d${Math.floor(i / 200)}`);
    if (i % 200 === 0) fs.mkdirSync(sub, { recursive: true });
    const p = g.passage(60 + ((i * 104729) % 900));
    const kind = i % 10;
    let name: string;
    let content: string;
    if (kind < 6) {
      name = `f${i}.txt`;
      content = p.text;
    } else if (kind < 9) {
      name = `f${i}.md`;
      content = `# ${g.word()} ${g.word()}\n\n${p.text}\n\n- ${g.word()}\n- ${g.word()}\n`;
    } else {
      name = `f${i}.html`;
      content = `<!doctype html><html lang="${p.lang}"><head><title>${g.word()}</title></head><body><h1>${g.word()}</h1><p>${p.text}</p><script>var x=1;</script></body></html>`;
    }
    fs.writeFileSync(path.join(sub, name), content);
    bytes += Buffer.byteLength(content);
  }
  return { bytes };
}

export function benchIndexing(workDir: string, files: number): Record<string, unknown> {
  const dir = path.join(workDir, `ws-${files}`);
  log(`indexing: generating ${files} files`);
  const { bytes } = makeWorkspace(dir, files);
  const db = path.join(workDir, `ws-${files}.db`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  log('indexing: child process');
  const out = execFileSync(process.execPath, [path.join(__dirname, 'index-child.js'), dir, db], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const r = JSON.parse(out.trim().split('\n').pop() as string) as { ms: number; documents: number; chunks: number; skipped: number; peakRssMiB: number; languages: Record<string, number> };
  const s = r.ms / 1000;
  return {
    files,
    mib: round(bytes / 1048576, 1),
    seconds: round(s, 2),
    filesPerS: round(files / s, 0),
    mibPerS: round(bytes / 1048576 / s, 2),
    documents: r.documents,
    chunks: r.chunks,
    skipped: r.skipped,
    peakRssMiB: round(r.peakRssMiB, 0),
    dbMiB: round(fs.statSync(db).size / 1048576, 1),
    languages: r.languages,
  };
}
