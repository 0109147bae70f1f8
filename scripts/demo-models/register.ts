/**
 * Registers this generator with core (`setDemoModelGenerator`), for the entry points: the CLI, the
 * engine process, `npm run demo` and the test setup. The generator itself (and onnx-proto, a
 * devDependency) is loaded on first use only, so an entry point starts without it.
 */
import { setDemoModelGenerator } from '../../src/core/models/demo';

export function registerDemoModels(): void {
  setDemoModelGenerator({
    async ensureDemoModels(opts) {
      const { ensureDemoModels } = await import('./index.js');
      return ensureDemoModels(opts);
    },
  });
}
