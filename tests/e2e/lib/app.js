// Starts the real app under tauri-driver with its own data, config and cache folders, and
// opens a WebDriver session on its window.
//
// Needs a display (DISPLAY) and a D-Bus session with an unlocked Secret Service, which
// scripts/test.sh provides. Each launch gets a fresh home folder, so every test starts at the
// welcome screen and its files can be scanned on their own.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { descendantsOf, waitForExit } from "./processes.js";
import { isReady, openSession } from "./webdriver.js";

export const repoRoot = resolve(import.meta.dirname, "../../..");

/** Returns the app identifier from tauri.conf.json, which names the app's folders and keychain service. */
export function appIdentifier() {
  const config = JSON.parse(readFileSync(join(repoRoot, "tauri.conf.json"), "utf8"));
  return config.identifier;
}

/** Returns the app binary: TOKEN_WIZARD_APP, or the debug build in the shared target folder. */
export function appBinary() {
  const binary = process.env.TOKEN_WIZARD_APP ?? join(repoRoot, "target/debug/token-wizard");
  if (!existsSync(binary)) {
    throw new Error(
      `App binary ${binary} not found. Build it with the UI embedded first: ` +
        "npm run build:ui && cargo build -p token-wizard --features tauri/custom-protocol",
    );
  }
  return binary;
}

function requireEnvironment(name, hint) {
  if (!process.env[name]) {
    throw new Error(`${name} is not set: ${hint}. Run the tests through scripts/test.sh.`);
  }
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Creates a fresh home with its own XDG data, config, cache and state folders, and returns
 * their paths. Everything the app writes on Linux lands below `root`.
 */
export function makeAppHome(prefix = "token-wizard-e2e-") {
  const root = mkdtempSync(join(process.env.TOKEN_WIZARD_E2E_TMP ?? tmpdir(), prefix));
  const folders = {
    root,
    home: join(root, "home"),
    data: join(root, "home/.local/share"),
    config: join(root, "home/.config"),
    cache: join(root, "home/.cache"),
    state: join(root, "home/.local/state"),
  };
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
  return folders;
}

/**
 * Launches the app through a new tauri-driver and returns { session, folders, stop, ... }.
 * `stop()` ends the WebDriver session (which closes the app) and then tauri-driver.
 * `application` overrides the binary; `extraEnv` adds to the app's environment.
 */
export async function launchApp({ application = appBinary(), extraEnv = {} } = {}) {
  requireEnvironment("DISPLAY", "the app needs an X display such as Xvfb");
  requireEnvironment("DBUS_SESSION_BUS_ADDRESS", "the keychain needs a D-Bus session");

  const folders = makeAppHome();
  const port = await freePort();
  const nativePort = await freePort();

  // WebKitWebDriver starts the app with tauri-driver's environment, so the app's folders are
  // set here. The session bus, display and keychain stay shared with the test process.
  const env = {
    ...process.env,
    HOME: folders.home,
    XDG_DATA_HOME: folders.data,
    XDG_CONFIG_HOME: folders.config,
    XDG_CACHE_HOME: folders.cache,
    XDG_STATE_HOME: folders.state,
    ...extraEnv,
  };
  const driverLog = [];
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  driver.stdout.on("data", (chunk) => driverLog.push(chunk));
  driver.stderr.on("data", (chunk) => driverLog.push(chunk));
  const driverExited = new Promise((resolveExit) => driver.once("exit", resolveExit));
  let spawnError = null;
  driver.once("error", (error) => (spawnError = error));

  const killDriverOnExit = () => {
    if (driver.exitCode === null && driver.signalCode === null) driver.kill("SIGKILL");
  };
  process.once("exit", killDriverOnExit);
  const stopDriver = async () => {
    if (driver.exitCode === null && driver.signalCode === null) {
      driver.kill("SIGTERM");
      await driverExited;
    }
    process.off("exit", killDriverOnExit);
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(await isReady(baseUrl))) {
    if (spawnError) throw new Error(`tauri-driver did not start: ${spawnError.message}`);
    if (driver.exitCode !== null || Date.now() > deadline) {
      await stopDriver();
      throw new Error(`tauri-driver is not ready on ${baseUrl}:\n${Buffer.concat(driverLog)}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }

  // WebKitWebDriver starts the app when the session is requested: benchmarks time from here.
  const sessionRequestedAt = Date.now();
  let session;
  try {
    session = await openSession(baseUrl, {
      "tauri:options": { application },
    });
  } catch (error) {
    await stopDriver();
    throw new Error(`${error.message}\ntauri-driver output:\n${Buffer.concat(driverLog)}`);
  }

  // A binary built without tauri/custom-protocol loads the Vite dev server instead.
  const url = await session.command("GET", "/url").catch(() => "");
  if (url.startsWith("http://127.0.0.1:5173") || url.startsWith("http://localhost:5173")) {
    await session.delete().catch(() => {});
    await stopDriver();
    throw new Error(
      `${application} loads the dev server (${url}): rebuild it with the UI embedded, ` +
        "npm run build:ui && cargo build -p token-wizard --features tauri/custom-protocol",
    );
  }

  // Waits for the app and its WebKit processes too, so files are complete and nothing is
  // left drawing on the display. A process that outlives this gets SIGKILL.
  const stop = async () => {
    const processes = descendantsOf(driver.pid);
    await session.delete().catch(() => {});
    await stopDriver();
    for (const pid of await waitForExit(processes)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // It ended in the meantime.
      }
    }
  };
  return {
    session,
    folders,
    stop,
    sessionRequestedAt,
    driverPid: driver.pid,
    driverLog: () => Buffer.concat(driverLog).toString(),
  };
}
