// Checks that crates/dynatrace-scopes/src/catalogue.tsv lists exactly the scopes of
// `ApiTokenCreate.scopes` in @dynatrace-sdk/client-classic-environment-v2 9.0.1, in the same
// order and with the same one-line meanings as the package's documentation comment.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const typesPath = require
  .resolve("@dynatrace-sdk/client-classic-environment-v2")
  .replace(/cjs[\\/]index\.js$/, "types/index.d.ts");
const catalogueUrl = new URL("../../crates/dynatrace-scopes/src/catalogue.tsv", import.meta.url);

/** Returns the text of `export declare interface NAME { ... }` from the type definitions. */
function interfaceBody(types, name) {
  const start = types.indexOf(`export declare interface ${name} {`);
  assert.ok(start >= 0, `interface ${name} not found in ${typesPath}`);
  const end = types.indexOf("\n}\n", start);
  return types.slice(start, end);
}

function packageScopes() {
  const body = interfaceBody(readFileSync(typesPath, "utf8"), "ApiTokenCreate");
  const scopesStart = body.lastIndexOf("/**", body.indexOf("scopes: Array<"));
  const scopesBlock = body.slice(scopesStart);

  const documented = [...scopesBlock.matchAll(/^\s*\* \* `([^`]+)`: (.+)$/gm)].map((match) => ({
    id: match[1],
    meaning: match[2].trim(),
  }));
  const union = scopesBlock.match(/scopes: Array<([^>]+)>;/)[1];
  const typed = [...union.matchAll(/'([^']+)'/g)].map((match) => match[1]);
  return { documented, typed };
}

function catalogue() {
  return readFileSync(catalogueUrl, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [id, meaning] = line.split("\t");
      return { id, meaning };
    });
}

test("package documents every scope of its type, in order", () => {
  const { documented, typed } = packageScopes();

  assert.ok(typed.length > 50, `only ${typed.length} scopes parsed`);
  assert.deepEqual(
    documented.map((scope) => scope.id),
    typed,
  );
});

test("catalogue.tsv lists the package's scopes in the same order", () => {
  const { typed } = packageScopes();

  assert.deepEqual(
    catalogue().map((scope) => scope.id),
    typed,
  );
});

test("catalogue.tsv meanings match the package's descriptions", () => {
  const { documented } = packageScopes();
  const ours = new Map(catalogue().map((scope) => [scope.id, scope.meaning]));

  for (const scope of documented) {
    assert.equal(ours.get(scope.id), scope.meaning, scope.id);
  }
});
