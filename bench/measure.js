// Launches a Tauri app several times through tauri-driver and prints JSON with, per run:
// launch-to-interactive times and the memory of the app's processes once loaded.
//
//   node bench/measure.js --app BINARY --ready-selector CSS [--runs 5] [--settle-ms 3000]
//
// Needs DISPLAY and a D-Bus session with an unlocked keyring (scripts/bench-app.sh sets them).
//
// Times are milliseconds from the WebDriver new-session request, which makes WebKitWebDriver
// start the app, to:
//   domContentLoaded  the page's DOMContentLoaded handlers finished (Navigation Timing, on the
//                     page's own clock: performance.timeOrigin + domContentLoadedEventEnd);
//   firstPaint        first-contentful-paint (Paint Timing), when WebKit reports it;
//   readySeen         the first poll that finds the ready selector (polled every 10 ms, so it
//                     is an upper bound, late by the poll interval plus one WebDriver round trip).

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { launchApp } from "../tests/e2e/lib/app.js";
import { descendantsOf } from "../tests/e2e/lib/processes.js";

const { values: options } = parseArgs({
  options: {
    app: { type: "string" },
    "ready-selector": { type: "string" },
    runs: { type: "string", default: "5" },
    "settle-ms": { type: "string", default: "3000" },
  },
});
if (!options.app || !options["ready-selector"]) {
  console.error("usage: node bench/measure.js --app BINARY --ready-selector CSS [--runs N]");
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Returns kB for a "Name:   123 kB" line of a /proc status-style file.
function kilobytes(path, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(path, "utf8"));
  return match ? Number(match[1]) : null;
}

/** Returns RSS and PSS in MiB of the app process and of each WebKit child process. */
function memoryOf(driverPid, binaryName) {
  const processes = {};
  for (const pid of descendantsOf(driverPid)) {
    const command = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    let role = null;
    // comm is cut to 15 characters.
    if (binaryName.startsWith(command)) role = "app";
    else if (command.startsWith("WebKitWebProces")) role = "webProcess";
    else if (command.startsWith("WebKitNetworkPr")) role = "networkProcess";
    if (!role) continue;
    const rss = kilobytes(`/proc/${pid}/status`, "VmRSS") / 1024;
    const pss = kilobytes(`/proc/${pid}/smaps_rollup`, "Pss") / 1024;
    const previous = processes[role] ?? { count: 0, rssMiB: 0, pssMiB: 0 };
    processes[role] = {
      count: previous.count + 1,
      rssMiB: previous.rssMiB + rss,
      pssMiB: previous.pssMiB + pss,
    };
  }
  return processes;
}

async function measureOnce(application) {
  const app = await launchApp({ application });
  try {
    const { session } = app;
    let readySeenAt = null;
    while (readySeenAt === null) {
      if (await session.find(options["ready-selector"])) readySeenAt = Date.now();
      else await sleep(10);
    }
    await session.waitUntil("the load event", () =>
      session.execute("return document.readyState === 'complete';"),
    );
    const timing = await session.execute(`
      const navigation = performance.getEntriesByType("navigation")[0];
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        timeOrigin: performance.timeOrigin,
        domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : null,
        firstPaint: paint ? paint.startTime : null,
      };
    `);
    const fromStart = (offset) =>
      offset === null ? null : Math.round(timing.timeOrigin + offset - app.sessionRequestedAt);

    await sleep(Number(options["settle-ms"]));
    const binaryName = application.split("/").at(-1);
    return {
      domContentLoadedMs: fromStart(timing.domContentLoaded),
      firstPaintMs: fromStart(timing.firstPaint),
      readySeenMs: readySeenAt - app.sessionRequestedAt,
      memory: memoryOf(app.driverPid, binaryName),
    };
  } finally {
    await app.stop();
  }
}

const runs = [];
for (let run = 0; run < Number(options.runs); run++) {
  runs.push(await measureOnce(options.app));
  console.error(`[measure] ${options.app} run ${run + 1}: ${JSON.stringify(runs.at(-1))}`);
}
console.log(JSON.stringify({ app: options.app, runs }, null, 2));
