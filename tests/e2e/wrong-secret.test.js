// A wrong client secret must produce a message that names the cause and the fix.

import assert from "node:assert/strict";
import { test } from "node:test";

import { launchApp } from "./lib/app.js";
import { byTestId, click, fillSandboxConnection } from "./lib/flow.js";

test("wrong client secret names cause and fix", async (t) => {
  const app = await launchApp();
  t.after(app.stop);
  const { session } = app;

  const connection = await fillSandboxConnection(session, { wrongSecret: true });
  assert.match(connection.clientSecret, /^dt0s02\./);

  await click(session, "save-test");
  const error = await session.waitFor(byTestId("error-message"));
  const message = await error.text();
  assert.match(message, /client ID/i, `message does not name the client ID: ${message}`);
  assert.match(message, /secret/i, `message does not name the client secret: ${message}`);
  // The fix: where the client ID and secret can be copied again.
  assert.match(message, /Account Management/, `message does not say where to fix it: ${message}`);
  assert.doesNotMatch(message, new RegExp(connection.clientSecret.replace(/\./g, "\\.")));
  assert.equal(await session.find(byTestId("connection-report")), null);
});
