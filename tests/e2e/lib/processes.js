// Process-tree helpers over /proc (Linux only).

import { readFileSync, readdirSync } from "node:fs";

function childrenOf(pid) {
  const children = [];
  let threads;
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const thread of threads) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${thread}/children`, "utf8").trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    } catch {
      // The thread ended while we read.
    }
  }
  return children;
}

/** Returns the PIDs of every process below pid, children first. */
export function descendantsOf(pid) {
  const all = [];
  const queue = [pid];
  while (queue.length > 0) {
    const children = childrenOf(queue.shift());
    all.push(...children);
    queue.push(...children);
  }
  return all;
}

/** Returns true while pid runs; a zombie (exited, not yet reaped) counts as ended. */
export function isRunning(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Waits until none of the PIDs runs; returns those still running after timeoutMs. */
export async function waitForExit(pids, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let running = pids.filter(isRunning);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    running = running.filter(isRunning);
  }
  return running;
}
