/**
 * Registers the demo model generator (scripts/demo-models) for tests that use `demo:` models in
 * process. Loaded by .mocharc.json `require`, and imported by the test helpers, so that a targeted
 * `mocha --no-config out/test/...` run has it too.
 */
import { registerDemoModels } from '../../scripts/demo-models/register';

registerDemoModels();
