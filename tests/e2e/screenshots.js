// Walks the sandbox flow in the real app window and saves a PNG of each step:
//   node screenshots.js --theme light|dark --out DIR
// Run it through scripts/screenshots.sh, which provides the display, the keyring and, for the
// dark theme, GTK_THEME=Adwaita:dark (WebKitGTK then matches prefers-color-scheme: dark).

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { launchApp } from "./lib/app.js";
import {
  byTestId,
  click,
  fillSandboxConnection,
  replaceText,
  revealToken,
  saveAndTest,
} from "./lib/flow.js";

const { values: options } = parseArgs({
  options: { theme: { type: "string", default: "light" }, out: { type: "string" } },
});
if (!options.out || !["light", "dark"].includes(options.theme)) {
  console.error("usage: node screenshots.js --theme light|dark --out DIR");
  process.exit(2);
}
mkdirSync(options.out, { recursive: true });

async function capture(session, step, focusTestId = null) {
  if (focusTestId) {
    const element = await session.waitFor(byTestId(focusTestId));
    await session.execute("arguments[0].scrollIntoView({ block: 'center' });", [element]);
  }
  // Let transitions and focus rings settle before the capture.
  await new Promise((resolve) => setTimeout(resolve, 400));
  const file = join(options.out, `${step}-${options.theme}.png`);
  writeFileSync(file, await session.screenshot());
  console.log(`saved ${file}`);
}

async function checkTheme(session) {
  const dark = await session.execute("return matchMedia('(prefers-color-scheme: dark)').matches;");
  if (dark !== (options.theme === "dark")) {
    throw new Error(`The page reports prefers-color-scheme dark = ${dark} for ${options.theme}`);
  }
}

async function mainFlow() {
  const app = await launchApp();
  try {
    const { session } = app;
    await session.waitFor(byTestId("welcome-sandbox"));
    await checkTheme(session);
    await capture(session, "1-welcome");

    await click(session, "welcome-sandbox");
    await session.waitFor(byTestId("prereq-service-user"));
    await capture(session, "2-prerequisites");
    await click(session, "back");

    await fillSandboxConnection(session);
    await capture(session, "3-connect");

    await saveAndTest(session);
    await capture(session, "4-connection-report", "connection-report");

    await click(session, "next");
    await click(session, "preset-oneagent-installer");
    await replaceText(session, "token-name", "OneAgent installer");
    await capture(session, "5-create", "preset-purpose");

    await click(session, "create-token");
    await session.waitFor(byTestId("token-id"));
    await capture(session, "6-result");

    await revealToken(session);
    await click(session, "copy-token");
    await session.waitUntil("the copy confirmation", async () => {
      const status = await session.find(byTestId("copy-status"));
      return status && (await status.text()).includes("Copied");
    });
    await capture(session, "7-result-copied");
  } finally {
    await app.stop();
  }
}

async function wrongSecret() {
  const app = await launchApp();
  try {
    const { session } = app;
    await fillSandboxConnection(session, { wrongSecret: true });
    await click(session, "save-test");
    await capture(session, "8-wrong-secret", "error-message");
  } finally {
    await app.stop();
  }
}

await mainFlow();
await wrongSecret();
