/**
 * CLI: node out/scripts/make-demo-models.js [outDir] [--lexicon file.json]
 * Generates (or re-uses) the demo models and prints their folders.
 */
import { ensureDemoModels } from './demo-models';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let outDir: string | undefined;
  let lexiconPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--lexicon') lexiconPath = args[++i];
    else if (args[i] === '-h' || args[i] === '--help') {
      console.log('usage: make-demo-models [outDir] [--lexicon lexicon.json]');
      return;
    } else outDir = args[i];
  }
  const folders = await ensureDemoModels({ outDir, lexiconPath, log: (m) => console.error(m) });
  for (const [name, dir] of Object.entries(folders)) console.log(`${name}\t${dir}`);
}

main().catch((e: unknown) => {
  console.error(`make-demo-models: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
