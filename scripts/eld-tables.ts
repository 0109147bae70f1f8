/**
 * Writes ELD's medium database as the language detector's tables file (src/core/text/eld-tables-file.ts),
 * read in ~20 ms instead of ~0.6 s of loading ELD's modules. Run by `npm run build` (next to the compiled
 * detector, out/src/core/text/) and by scripts/bundle.js (next to the bundles, dist/).
 * Usage: node out/scripts/eld-tables.js [output file]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eldSourceFingerprint, eldTablesContent, loadEldData } from '../src/core/text/eld-fast';
import { ELD_TABLES_FILE, encodeEldTables } from '../src/core/text/eld-tables-file';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'src', 'core', 'text', ELD_TABLES_FILE));
  const fingerprint = eldSourceFingerprint();
  if (!fingerprint) throw new Error('eld/src not found in node_modules: run npm ci');
  const data = encodeEldTables(eldTablesContent(...(await loadEldData())), fingerprint);
  // Written whole then renamed: a reader never sees half a file.
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + '.tmp', data);
  fs.renameSync(out + '.tmp', out);
}

main().catch((e) => {
  process.stderr.write(`eld-tables: ${(e as Error)?.message ?? e}\n`);
  process.exit(1);
});
