/** Lazy access to the demo-model generator (it needs onnx-proto, a devDependency). */
import type { DemoModelFolders, EnsureDemoModelsOptions } from '../../../scripts/demo-models/index';

export type { DemoModelFolders, EnsureDemoModelsOptions };

export async function ensureDemoModels(opts: EnsureDemoModelsOptions = {}): Promise<DemoModelFolders> {
  const mod = await import('../../../scripts/demo-models/index.js');
  return mod.ensureDemoModels(opts);
}
