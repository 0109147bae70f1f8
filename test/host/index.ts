/**
 * Entry point loaded by VS Code (extensionTestsPath) inside the real extension host:
 * runs the host suite with mocha and resolves/rejects with its outcome.
 */
import * as path from 'node:path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.hostspec.js'));
  mocha.addFile(path.join(__dirname, 'notebook.host.test.js'));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
