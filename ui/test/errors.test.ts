import { describe, expect, it } from "vitest";

import bindingsSource from "../src/lib/bindings.ts?raw";
import { ERRORS, FIELD_LABELS, parseAction, presentError } from "../src/lib/errors";

// Every code the command contract names: the dynatrace-client codes plus the app's own.
const CONTRACT_CODES = [
  "invalid_environment_url",
  "invalid_account_uuid",
  "invalid_client_id",
  "invalid_client_secret",
  "invalid_credential",
  "invalid_input",
  "untrusted_host",
  "oauth_invalid_client",
  "oauth_invalid_scope",
  "oauth_invalid_resource",
  "oauth_error",
  "unauthorized",
  "forbidden_missing_scope",
  "forbidden_policy",
  "not_found",
  "validation_failed",
  "rate_limited",
  "server_error",
  "timeout",
  "dns",
  "connect",
  "tls",
  "proxy",
  "unexpected_content",
  "malformed_response",
  "created_not_delivered",
  "token_secret_missing",
  "keychain_unavailable",
  "keychain_locked",
  "keychain_denied",
  "secret_not_stored",
  "profile_not_found",
  "sandbox_failed",
  "clipboard_failed",
  "no_token_to_copy",
  "internal",
];

/** Reads the members of `export type ErrorCode = "a" | "b" ...` from the bindings source. */
function codesInBindings(source: string): string[] {
  const match = /export type ErrorCode\s*=([\s\S]*?);\s*\n/.exec(source);
  if (!match) throw new Error("bindings.ts has no ErrorCode type");
  const members = match[1].replace(/\/\*[\s\S]*?\*\//g, "");
  return [...members.matchAll(/"([a-z_]+)"/g)].map((member) => member[1]);
}

describe("error table", () => {
  it("covers every code in the bindings", () => {
    const codes = codesInBindings(bindingsSource);

    expect(codes.length).toBeGreaterThan(30);
    const missing = codes.filter((code) => !(code in ERRORS));
    expect(missing).toEqual([]);
  });

  it("covers every code in the contract", () => {
    const missing = CONTRACT_CODES.filter((code) => !(code in ERRORS));

    expect(missing).toEqual([]);
  });

  it("has no entry for an unknown code", () => {
    const known = new Set([...CONTRACT_CODES, ...codesInBindings(bindingsSource)]);

    const extra = Object.keys(ERRORS).filter((code) => !known.has(code));

    expect(extra).toEqual([]);
  });

  it.each(Object.entries(ERRORS))("entry %s is complete", (_code, entry) => {
    expect(entry.title.trim()).not.toBe("");
    expect(["error", "warning", "info"]).toContain(entry.severity);
    if (entry.action) {
      const { kind, argument } = parseAction(entry.action);
      expect([
        "open_account_management",
        "retry",
        "edit_field",
        "revoke_token",
        "open_docs",
      ]).toContain(kind);
      if (kind === "edit_field") expect(Object.keys(FIELD_LABELS)).toContain(argument);
      if (kind === "open_docs") expect(argument).toMatch(/^https:\/\/docs\.dynatrace\.com\//);
    }
  });

  it("offers revoking for a token whose secret was lost", () => {
    expect(ERRORS.created_not_delivered.action).toBe("revoke_token");
    expect(ERRORS.token_secret_missing.action).toBe("revoke_token");
  });

  it("falls back to a generic entry for a new code", () => {
    expect(presentError("brand_new_code").title).toBe("Unexpected error");
  });
});
