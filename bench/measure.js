// Launches Tauri apps several times through tauri-driver, in turns, and measures per run the
// launch-to-interactive times and the memory of the app's processes once loaded. Prints the
// medians as a Markdown table and writes every run as JSON.
//
//   node bench/measure.js --app NAME=BINARY=CSS [--app ...] [--runs 5] [--settle-ms 3000]
//                         [--json FILE]
//
// CSS is a selector that exists once the app's first screen is usable. One launch per app is a
// warm-up (disk cache, fontconfig) and is not counted.
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

import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { launchApp } from "../tests/e2e/lib/app.js";
import { descendantsOf } from "../tests/e2e/lib/processes.js";

const { values: options } = parseArgs({
  options: {
    app: { type: "string", multiple: true },
    runs: { type: "string", default: "5" },
    "settle-ms": { type: "string", default: "3000" },
    json: { type: "string" },
  },
});
const apps = (options.app ?? []).map((spec) => {
  const [name, binary, readySelector] = spec.split("=");
  if (!name || !binary || !readySelector) {
    console.error(`invalid --app ${spec}: expected NAME=BINARY=CSS`);
    process.exit(2);
  }
  return { name, binary, readySelector };
});
if (apps.length === 0) {
  console.error("usage: node bench/measure.js --app NAME=BINARY=CSS [--app ...] [--runs N]");
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

function sumOf(memory, kind) {
  return Object.values(memory).reduce((total, entry) => total + entry[kind], 0);
}

async function measureOnce({ binary: application, readySelector }) {
  const app = await launchApp({ application });
  try {
    const { session } = app;
    let readySeenAt = null;
    while (readySeenAt === null) {
      if (await session.find(readySelector)) readySeenAt = Date.now();
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

const median = (values) => {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const results = apps.map((app) => ({ ...app, runs: [] }));
const runCount = Number(options.runs);
for (let run = 0; run <= runCount; run++) {
  for (const result of results) {
    const measurement = await measureOnce(result);
    const label = run === 0 ? "warm-up" : `run ${run}/${runCount}`;
    console.error(`[measure] ${result.name} ${label}: ${JSON.stringify(measurement)}`);
    if (run > 0) result.runs.push(measurement);
  }
}

if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 2));

const format = (value, digits = 0) => (value === null ? "n/a" : value.toFixed(digits));
const memory = (result, role, kind) =>
  median(result.runs.map((run) => run.memory[role]?.[kind] ?? null));
const rows = [
  [
    "launch to DOMContentLoaded (ms)",
    (r) => format(median(r.runs.map((x) => x.domContentLoadedMs))),
  ],
  [
    "launch to first contentful paint (ms)",
    (r) => format(median(r.runs.map((x) => x.firstPaintMs))),
  ],
  [
    "launch to first screen seen by WebDriver (ms)",
    (r) => format(median(r.runs.map((x) => x.readySeenMs))),
  ],
  ["RSS app process (MiB)", (r) => format(memory(r, "app", "rssMiB"))],
  ["RSS WebKitWebProcess (MiB)", (r) => format(memory(r, "webProcess", "rssMiB"))],
  ["RSS WebKitNetworkProcess (MiB)", (r) => format(memory(r, "networkProcess", "rssMiB"))],
  [
    "RSS sum of the three (MiB)",
    (r) => format(median(r.runs.map((x) => sumOf(x.memory, "rssMiB")))),
  ],
  [
    "PSS sum of the three (MiB)",
    (r) => format(median(r.runs.map((x) => sumOf(x.memory, "pssMiB")))),
  ],
];
console.log(`| median of ${runCount} runs | ${results.map((r) => r.name).join(" | ")} |`);
console.log(`|---|${results.map(() => "---:").join("|")}|`);
for (const [label, cell] of rows) console.log(`| ${label} | ${results.map(cell).join(" | ")} |`);
