// Smoke test inside the real extension host: the extension activates and every command its manifest
// contributes is registered with VS Code.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'sslmem.sslmem-studio';

interface ContributedCommand {
  command: string;
  title: string;
}

describe('extension smoke (real extension host)', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('is loaded from the folder under test (the repo, or an unpacked VSIX)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const expected = process.env.SSLMEM_TEST_EXTENSION_PATH || process.env.SSLMEM_REPO_ROOT;
    assert.ok(expected, 'the test runner passes SSLMEM_REPO_ROOT to the extension host');
    assert.strictEqual(path.resolve(ext.extensionPath), path.resolve(expected));
  });

  it('registers every command contributed in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const contributed: ContributedCommand[] = ext.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
