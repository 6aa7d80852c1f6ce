#!/usr/bin/env node
// Builds the UI with a fake backend (ui/scripts/screenshots/harness.ts), serves it on 127.0.0.1
// and saves a PNG per scenario and colour scheme with headless Chromium.
//
// Usage: node ui/scripts/screenshots.mjs [OUT_DIR] [SCENARIO...]
// OUT_DIR defaults to /tmp/token-wizard-screenshots. Needs /usr/bin/chromium (or $CHROMIUM).
// WINDOW_SIZE=820,600 renders at another size (default 1100,760, the window's start size).

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { svelte } from "@sveltejs/vite-plugin-svelte";
import { build } from "vite";

const run = promisify(execFile);
const uiRoot = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SCENARIOS = [
  "welcome",
  "welcome-keychain",
  "prerequisites",
  "connect-typing",
  "connect-ok",
  "connect-error",
  "connect-other",
  "create",
  "create-search",
  "create-lost",
  "result",
  "result-revealed",
  "settings",
  "focus-ring",
];
const SCHEMES = ["light", "dark"];
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

const [outArgument, ...chosen] = process.argv.slice(2);
const outDir = resolve(outArgument ?? join(tmpdir(), "token-wizard-screenshots"));
const scenarios = chosen.length > 0 ? chosen : SCENARIOS;
const buildDir = mkdtempSync(join(tmpdir(), "token-wizard-shot-build-"));
mkdirSync(outDir, { recursive: true });

await build({
  root: uiRoot,
  base: "./",
  configFile: false,
  logLevel: "warn",
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: buildDir,
    emptyOutDir: true,
    modulePreload: false,
    rollupOptions: { input: join(uiRoot, "scripts/screenshots/index.html") },
  },
});

const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
  const file = join(buildDir, path);
  if (!file.startsWith(buildDir) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  response.end(readFileSync(file));
});
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const { port } = server.address();
const page = `http://127.0.0.1:${port}/scripts/screenshots/index.html`;

try {
  for (const scenario of scenarios) {
    for (const scheme of SCHEMES) {
      const file = join(outDir, `${scenario}-${scheme}.png`);
      const profile = mkdtempSync(join(tmpdir(), "token-wizard-chromium-"));
      await run(CHROMIUM, [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        `--blink-settings=preferredColorScheme=${scheme === "dark" ? 0 : 1}`,
        ...(scheme === "dark" ? ["--force-dark-mode"] : []),
        "--virtual-time-budget=8000",
        `--window-size=${process.env.WINDOW_SIZE ?? "1100,760"}`,
        `--screenshot=${file}`,
        `${page}#${scenario}`,
      ]);
      rmSync(profile, { recursive: true, force: true });
      console.log(file);
    }
  }
} finally {
  server.close();
  rmSync(buildDir, { recursive: true, force: true });
}
