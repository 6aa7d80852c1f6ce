// Reads what the app left in the system: the X clipboard, the Secret Service and its files.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, lstatSync } from "node:fs";
import { join } from "node:path";

/** Returns the CLIPBOARD selection. Xvfb has no clipboard manager: call it while the app runs. */
export function readClipboard() {
  return execFileSync("xclip", ["-o", "-selection", "clipboard"], {
    encoding: "utf8",
    timeout: 10_000,
  });
}

/**
 * Returns the Secret Service items whose attributes match, as
 * [{ label, secret, attributes: { name: value } }], parsed from `secret-tool search --all`.
 */
export function searchKeychain(attributes) {
  const args = ["search", "--all", "--unlock"];
  for (const [name, value] of Object.entries(attributes)) args.push(name, value);

  // secret-tool prints the attributes on stderr and the rest on stdout on some versions, so
  // both streams are read together.
  const output = execFileSync("sh", ["-c", 'exec secret-tool "$@" 2>&1', "sh", ...args], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const items = [];
  let item = null;
  for (const line of output.split("\n")) {
    if (/^\[\/.*\]$/.test(line)) {
      item = { label: null, secret: null, attributes: {} };
      items.push(item);
      continue;
    }
    const match = /^(\S+) = (.*)$/.exec(line);
    if (!item || !match) continue;
    const [, key, value] = match;
    if (key.startsWith("attribute.")) item.attributes[key.slice("attribute.".length)] = value;
    else if (key === "secret") item.secret = value;
    else if (key === "label") item.label = value;
  }
  return items;
}

/** Returns the secret stored under the attributes, or null when `secret-tool lookup` finds none. */
export function lookupKeychain(attributes) {
  const args = ["lookup"];
  for (const [name, value] of Object.entries(attributes)) args.push(name, value);
  try {
    return execFileSync("secret-tool", args, { encoding: "utf8", timeout: 10_000 });
  } catch (error) {
    if (error.status === 1) return null;
    throw error;
  }
}

/** Lists every regular file below a folder (symbolic links are not followed). */
export function listFiles(folder) {
  const files = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Scans the bytes of every file below the folders for each needle, as UTF-8 and as UTF-16LE.
 * Returns [{ file, needle, encoding }] for every hit.
 */
export function scanFiles(folders, needles) {
  const hits = [];
  const encodings = (needle) => [
    ["utf8", Buffer.from(needle, "utf8")],
    ["utf16le", Buffer.from(needle, "utf16le")],
  ];
  for (const folder of folders) {
    for (const file of listFiles(folder)) {
      if (!lstatSync(file).isFile()) continue;
      const bytes = readFileSync(file);
      for (const [name, needle] of Object.entries(needles)) {
        for (const [encoding, pattern] of encodings(needle)) {
          if (bytes.includes(pattern)) hits.push({ file, needle: name, encoding });
        }
      }
    }
  }
  return hits;
}
