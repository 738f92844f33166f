// The client's wiring, with `vscode` and `vscode-languageclient/node` replaced by fakes: which
// command it starts, for which documents, and that a change of the settings restarts it.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const Module = require('node:module');

const started = [];
let settings = {};
let onConfig;
const shown = [];
const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => {
        assert.strictEqual(section, 'pipec');
        return { get: (key) => settings[key] };
      },
      onDidChangeConfiguration: (listener) => {
        onConfig = listener;
        return { dispose() {} };
      },
    },
    window: { showErrorMessage: (message) => shown.push(message) },
  },
  'vscode-languageclient/node': {
    LanguageClient: class {
      constructor(id, name, server, options) {
        this.server = server;
        this.options = options;
        this.stopped = false;
        started.push(this);
      }
      async start() {
        if (this.server.run.command === 'missing') {
          throw new Error('spawn missing ENOENT');
        }
      }
      async stop() {
        this.stopped = true;
      }
    },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request in fakes ? fakes[request] : load.call(this, request, ...rest);
};
const extension = require('../extension.js');

test('starts `pipec lsp` for pipe documents, with the settings', async () => {
  settings = { path: '/opt/bin/pipec', kubeVersion: '1.30' };
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.strictEqual(started.length, 1);
  assert.deepStrictEqual(started[0].server.run, { command: '/opt/bin/pipec', args: ['lsp', '--kube-version', '1.30'] });
  assert.deepStrictEqual(
    started[0].options.documentSelector.map((s) => s.language),
    ['pipe', 'pipe'],
  );
  assert.strictEqual(context.subscriptions.length, 1);

  // A change of `pipec.*` restarts the server with the new settings; other changes do not.
  settings = {};
  await onConfig({ affectsConfiguration: (s) => s === 'editor' });
  assert.strictEqual(started.length, 1);
  await onConfig({ affectsConfiguration: (s) => s === 'pipec' });
  assert.ok(started[0].stopped);
  assert.deepStrictEqual(started[1].server.run, { command: 'pipec', args: ['lsp'] });
  await extension.deactivate();
  assert.ok(started[1].stopped);
});

test('says how to fix a binary that cannot start', async () => {
  settings = { path: 'missing' };
  await extension.activate({ subscriptions: [] });
  assert.match(shown.at(-1), /cannot start `missing lsp`.*set `pipec.path`/);
});

test('the library the client loads is installed', () => {
  assert.ok(require.resolve('vscode-languageclient/node').endsWith('main.js'));
});
