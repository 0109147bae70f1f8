/**
 * Demo models (tiny generated ONNX models used by the sample, the tests and `demo:` catalogue
 * sources) behind one interface. The generator lives in scripts/demo-models (it needs onnx-proto,
 * a devDependency); this file is the only place in src/core that can reach it, lazily, when no
 * generator was installed with `setDemoModelGenerator` (an entry point may install one).
 */

// Types only (erased at run time): the generator's option and result shapes.
import type { DemoModelFolders, EnsureDemoModelsOptions } from '../../../scripts/demo-models/index';

export type { DemoModelFolders, EnsureDemoModelsOptions };

/** Makes (or finds, when up to date) the demo model folders. */
export interface DemoModelGenerator {
  ensureDemoModels(opts: EnsureDemoModelsOptions): Promise<DemoModelFolders>;
}

let installed: DemoModelGenerator | undefined;

/** Installs the generator `demo:` sources use (default: scripts/demo-models, loaded on first use). */
export function setDemoModelGenerator(g: DemoModelGenerator | undefined): void {
  installed = g;
}

async function generator(): Promise<DemoModelGenerator> {
  // Lazy: the generator (and onnx-proto) is only needed when a demo model is used.
  return installed ?? ((await import('../../../scripts/demo-models/index.js')) as DemoModelGenerator);
}

export async function ensureDemoModels(opts: EnsureDemoModelsOptions = {}): Promise<DemoModelFolders> {
  return (await generator()).ensureDemoModels(opts);
}
