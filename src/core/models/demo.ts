/**
 * Demo models (tiny generated ONNX models used by the sample, the tests and `demo:` catalogue
 * sources) behind one interface. The generator lives in scripts/demo-models (it needs onnx-proto,
 * a devDependency); core never imports it. Each entry point (the CLI, the engine process,
 * `npm run demo`, the test setup) registers it with `setDemoModelGenerator`
 * (scripts/demo-models/register.ts); without one, `demo:` sources fail with a clear error.
 */

/** The generated model folders. */
export interface DemoModelFolders {
  bert: string;
  xlmr: string;
  reranker: string;
  misaligned: string;
}

export interface EnsureDemoModelsOptions {
  /** Default `<repo>/.cache/demo-models`. */
  outDir?: string;
  /** Default `<repo>/sample/lexicon.json`; the built-in fallback lexicon is used when that file is missing. */
  lexiconPath?: string;
  /** Called with one line per generated model. */
  log?: (msg: string) => void;
}

/** Makes (or finds, when up to date) the demo model folders. */
export interface DemoModelGenerator {
  ensureDemoModels(opts: EnsureDemoModelsOptions): Promise<DemoModelFolders>;
}

let installed: DemoModelGenerator | undefined;

/** Installs the generator `demo:` sources use (an entry point registers scripts/demo-models). */
export function setDemoModelGenerator(g: DemoModelGenerator | undefined): void {
  installed = g;
}

export async function ensureDemoModels(opts: EnsureDemoModelsOptions = {}): Promise<DemoModelFolders> {
  if (!installed) throw new Error('demo models are not available in this build (no demo model generator is registered)');
  return installed.ensureDemoModels(opts);
}
