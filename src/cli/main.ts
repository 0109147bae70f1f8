import { Command, CommanderError } from 'commander';
import { CliError } from './errors';
import { installOutputEscaping } from './terminal';
import { currentDbPath } from './context';
import { describeDbError } from '../core/store/db';
import { commandModules } from './commands';
import { registerDemoModels } from '../../scripts/demo-models/register';

// `demo:` model sources (the sample, the tests) use the generator in scripts/demo-models.
registerDemoModels();

/** Builds the `clir` program. Each module in ./commands registers its sub-commands. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('clir')
    .description('CLIR Workbench: cross-lingual indexing, search, experiments and evaluation')
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of commandModules) register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  installOutputEscaping();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version output exit with code 0; usage errors were already printed by commander.
      return err.exitCode;
    }
    // SQLite errors (locked, read-only, not a database, full disk) name the database and what to do.
    const db = currentDbPath();
    if (db && err instanceof Error && /^SQLITE_/.test(String((err as { code?: unknown }).code))) err = describeDbError(err, db);
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`clir: ${msg.split('\n')[0]}\n`);
    if (process.env.CLIR_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return err instanceof CliError ? err.exitCode : 1;
  }
}
