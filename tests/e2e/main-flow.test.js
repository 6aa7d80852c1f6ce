// The main flow on the real app window, from the sandbox connection to the copied token. Then the
// test checks where the secrets went (clipboard, keychain) and that no file of the app has them.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { appIdentifier, launchApp } from "./lib/app.js";
import {
  TOKEN_FORMAT,
  byTestId,
  click,
  createFromPreset,
  fillSandboxConnection,
  revealToken,
  saveAndTest,
} from "./lib/flow.js";
import {
  listFiles,
  lookupKeychain,
  readClipboard,
  scanFiles,
  searchKeychain,
} from "./lib/system.js";

test("sandbox flow creates and copies a token", async (t) => {
  const app = await launchApp();
  t.after(app.stop);
  const { session } = app;

  const connection = await fillSandboxConnection(session);
  assert.match(connection.clientId, /^dt0s02\.[A-Z0-9]{8}$/);
  assert.match(connection.clientSecret, /^dt0s02\.[A-Z0-9]{8}\.[A-Z0-9]{64}$/);
  assert.match(connection.environmentUrl, /^http:\/\/127\.0\.0\.1:\d+/);

  const report = await saveAndTest(session);
  assert.match(report, /environment-api:api-tokens:write/);

  const tokenName = `e2e-${Date.now()}`;
  const tokenId = await createFromPreset(session, {
    presetId: "oneagent-installer",
    name: tokenName,
  });
  assert.match(tokenId, /^dt0c01\.[A-Z0-9]{24}$/);

  // Until revealed, the result screen shows no token secret.
  const masked = await session.find(byTestId("token-value"));
  const maskedText = masked ? await masked.text() : "";
  assert.doesNotMatch(maskedText, /dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}/);

  const token = await revealToken(session);
  assert.match(token, TOKEN_FORMAT);
  assert.ok(token.startsWith(`${tokenId}.`), `token ${tokenId}… does not start with its ID`);

  await click(session, "copy-token");
  // The copy command returns before X hands the selection over: poll until it arrives.
  const clipboard = await session.waitUntil("the clipboard to hold a token", () => {
    const text = readClipboard();
    return text.startsWith("dt0c01.") ? text : null;
  });
  assert.equal(clipboard, token, "the clipboard holds something other than the created token");

  // Close the app so it flushes its logs and store before its folders are scanned.
  await app.stop();

  // The settings store names the saved profile; the Secret Service has its client secret under
  // the app identifier and "profile:<id>", the attributes keyring 4's Secret Service store uses.
  const service = appIdentifier();
  const settingsFile = join(app.folders.data, service, "settings.json");
  const settings = JSON.parse(readFileSync(settingsFile, "utf8"));
  assert.equal(settings.profiles?.length, 1, `expected one profile in ${settingsFile}`);
  const username = `profile:${settings.profiles[0].id}`;
  assert.equal(lookupKeychain({ service, username }), connection.clientSecret);
  const items = searchKeychain({ service, username });
  assert.equal(items.length, 1, `expected one keychain item for ${service} ${username}`);

  const files = listFiles(app.folders.root);
  const logFiles = files.filter((file) => file.includes("/logs/"));
  assert.ok(logFiles.length > 0, `no log file among the app's files:\n${files.join("\n")}`);

  // The client ID is not secret and must be in the store: this proves the scan reads the
  // app's real files, so a clean scan below means something.
  const controls = scanFiles([app.folders.root], { clientId: connection.clientId });
  assert.ok(
    controls.some((hit) => hit.file === settingsFile),
    `the scan did not find the client ID in ${settingsFile}`,
  );

  const secretPart = (value) => value.split(".").at(-1);
  const leaks = scanFiles([app.folders.root], {
    clientSecret: connection.clientSecret,
    clientSecretPart: secretPart(connection.clientSecret),
    token,
    tokenSecretPart: secretPart(token),
  });
  assert.deepEqual(leaks, [], `secrets found in the app's files (scanned ${files.length})`);
});
