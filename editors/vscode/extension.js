// Starts `composelint server` for YAML and Compose files; everything else is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("composelint");
  client = new LanguageClient(
    "composelint",
    "composelint",
    { command: settings.get("path", "composelint"), args: ["server"] },
    {
      documentSelector: [
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "dockercompose" },
        { scheme: "file", pattern: "**/.env" },
      ],
      initializationOptions: { select: settings.get("select", []), ignore: settings.get("ignore", []) },
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{.composelint.yaml,.composelint.yml,pyproject.toml,.env}"),
      },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
