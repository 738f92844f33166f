// The language client: starts `pipec lsp` (diagnostics, hover, completion, definitions,
// references, symbols, rename, quick fixes) for .pipe files. Plain JavaScript, no build step.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** The command that runs the server, from the settings: `pipec.path`, `pipec.kubeVersion`. */
function serverCommand(settings) {
  const command = settings.get('path') || 'pipec';
  const args = ['lsp'];
  const kubeVersion = settings.get('kubeVersion');
  if (kubeVersion) {
    args.push('--kube-version', kubeVersion);
  }
  return { command, args };
}

async function start() {
  const settings = vscode.workspace.getConfiguration('pipec');
  const run = serverCommand(settings);
  client = new LanguageClient(
    'pipec',
    'pipec',
    { run, debug: run },
    {
      documentSelector: [
        { scheme: 'file', language: 'pipe' },
        { scheme: 'untitled', language: 'pipe' },
      ],
    },
  );
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    vscode.window.showErrorMessage(
      `pipe: cannot start \`${run.command} lsp\` (${error && error.message ? error.message : error}). ` +
        'Install pipec, or set `pipec.path` to the binary.',
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('pipec')) {
        await stop();
        await start();
      }
    }),
  );
  return start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand };
