// Starts `kith lsp` for Markdown files (see docs/editors.md). The server finds each file's
// vault itself, so any folder can be open.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('kith').get('path') || 'kith';
  client = new LanguageClient(
    'kith',
    'kith',
    { command, args: ['lsp'] },
    { documentSelector: [{ scheme: 'file', language: 'markdown' }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
