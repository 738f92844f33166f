// The real server through the protocol library the client uses (vscode-jsonrpc, as
// vscode-languageclient does): `PIPEC=path/to/pipec node --test tests/`. Skipped without PIPEC.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const rpc = require('vscode-jsonrpc/node');

test('pipec lsp answers initialize, publishes diagnostics and hovers', { skip: !process.env.PIPEC }, async () => {
  const server = spawn(process.env.PIPEC, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const published = new Promise((resolve) => {
    connection.onNotification('textDocument/publishDiagnostics', resolve);
  });
  connection.listen();
  const init = await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.strictEqual(init.serverInfo.name, 'pipec');
  await connection.sendNotification('initialized', {});
  const uri = 'file:///nowhere/client.pipe';
  const text = 'job a {\n  image = "busybox:1.36"\n  retires = 2\n}\n';
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pipe', version: 1, text } });
  const diagnostics = (await published).diagnostics;
  assert.deepStrictEqual(diagnostics.map((d) => d.code), ['P0101']);
  const hover = await connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 1, character: 3 },
  });
  assert.match(hover.contents.value, /Kubernetes: `Container.image`/);
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  const code = await new Promise((resolve) => server.on('exit', resolve));
  assert.strictEqual(code, 0);
  connection.dispose();
});
