// How the UI presents each backend error code: a title, a severity and the one action that most
// likely fixes it. The backend's message is shown under the title as the explanation.

import type { ErrorCode } from "./api";
import { DOCS } from "./docs";

export type Severity = "error" | "warning" | "info";

/**
 * What the error panel offers as its main button:
 * `open_account_management` opens https://myaccount.dynatrace.com, `retry` runs the failed step
 * again (after `retryAfterSeconds` when set), `edit_field:<name>` focuses that form field,
 * `revoke_token` revokes the token named by `tokenId` after the user confirms it in a second step,
 * and is offered only when `tokenId` is set (otherwise the panel points to the token list in
 * Dynatrace), `open_docs:<url>` opens a docs page.
 */
export type ErrorAction =
  | "open_account_management"
  | "retry"
  | `edit_field:${string}`
  | "revoke_token"
  | `open_docs:${string}`;

export type ErrorPresentation = { title: string; severity: Severity; action: ErrorAction | null };

export const ERRORS: Record<ErrorCode, ErrorPresentation> = {
  invalid_environment_url: {
    title: "Environment URL is not valid",
    severity: "error",
    action: "edit_field:environmentUrl",
  },
  invalid_account_uuid: {
    title: "Account UUID is not valid",
    severity: "error",
    action: "edit_field:accountUuid",
  },
  invalid_client_id: {
    title: "Client ID is not valid",
    severity: "error",
    action: "edit_field:clientId",
  },
  invalid_client_secret: {
    title: "Client secret is not valid",
    severity: "error",
    action: "edit_field:secret",
  },
  invalid_credential: {
    title: "Credential is not valid",
    severity: "error",
    action: "edit_field:secret",
  },
  invalid_input: { title: "Some values are not valid", severity: "error", action: null },
  untrusted_host: {
    title: "Host is not a Dynatrace host",
    severity: "warning",
    action: "edit_field:environmentUrl",
  },
  oauth_invalid_client: {
    title: "Client ID or secret rejected",
    severity: "error",
    action: "edit_field:secret",
  },
  oauth_invalid_scope: {
    title: "OAuth client is missing scopes",
    severity: "error",
    action: "open_account_management",
  },
  oauth_invalid_resource: {
    title: "Account UUID rejected",
    severity: "error",
    action: "edit_field:accountUuid",
  },
  oauth_error: {
    title: "Sign-in with the OAuth client failed",
    severity: "error",
    action: `open_docs:${DOCS.oauthClient}`,
  },
  unauthorized: {
    title: "Dynatrace rejected the credentials",
    severity: "error",
    action: "edit_field:secret",
  },
  forbidden_missing_scope: {
    title: "Missing scope",
    severity: "error",
    action: "open_account_management",
  },
  forbidden_policy: {
    title: "Service user lacks permission",
    severity: "error",
    action: "open_account_management",
  },
  not_found: {
    title: "Not found",
    severity: "error",
    action: "edit_field:environmentUrl",
  },
  validation_failed: { title: "Dynatrace rejected the request", severity: "error", action: null },
  rate_limited: { title: "Too many requests", severity: "warning", action: "retry" },
  server_error: { title: "Dynatrace server error", severity: "error", action: "retry" },
  timeout: { title: "Request timed out", severity: "error", action: "retry" },
  dns: {
    title: "Host name not found",
    severity: "error",
    action: "edit_field:environmentUrl",
  },
  connect: { title: "Connection failed", severity: "error", action: "retry" },
  tls: { title: "Secure connection failed", severity: "error", action: "retry" },
  proxy: { title: "Proxy failed", severity: "error", action: "retry" },
  unexpected_content: {
    title: "Web page instead of API reply",
    severity: "error",
    action: "edit_field:environmentUrl",
  },
  malformed_response: { title: "Unreadable reply", severity: "error", action: "retry" },
  created_not_delivered: {
    title: "Token created, but its secret was lost",
    severity: "warning",
    action: "revoke_token",
  },
  token_secret_missing: {
    title: "Token created without a secret",
    severity: "warning",
    action: "revoke_token",
  },
  keychain_unavailable: { title: "No keychain available", severity: "error", action: "retry" },
  keychain_locked: { title: "Keychain is locked", severity: "error", action: "retry" },
  keychain_denied: { title: "Keychain access denied", severity: "error", action: "retry" },
  secret_not_stored: {
    title: "No secret stored for this profile",
    severity: "error",
    action: "edit_field:secret",
  },
  profile_not_found: { title: "Profile not found", severity: "error", action: null },
  sandbox_failed: { title: "Sandbox did not start", severity: "error", action: "retry" },
  clipboard_failed: { title: "Copy to clipboard failed", severity: "error", action: "retry" },
  no_token_to_copy: { title: "Token is no longer available", severity: "info", action: null },
  internal: { title: "Unexpected error", severity: "error", action: null },
};

const FALLBACK: ErrorPresentation = { title: "Unexpected error", severity: "error", action: null };

/** Returns how to present `code`; unknown codes from a newer backend get a generic entry. */
export function presentError(code: string): ErrorPresentation {
  return (ERRORS as Record<string, ErrorPresentation>)[code] ?? FALLBACK;
}

/** Splits a parameterised action into its kind and argument. */
export function parseAction(action: ErrorAction): { kind: string; argument: string | null } {
  const colon = action.indexOf(":");
  if (colon < 0) return { kind: action, argument: null };
  return { kind: action.slice(0, colon), argument: action.slice(colon + 1) };
}

/** Label of the button that runs `action`. */
export function actionLabel(action: ErrorAction): string {
  const { kind, argument } = parseAction(action);
  switch (kind) {
    case "open_account_management":
      return "Open Account Management";
    case "retry":
      return "Try again";
    case "edit_field":
      return `Edit ${FIELD_LABELS[argument ?? ""] ?? "the field"}`;
    case "revoke_token":
      return "Revoke…";
    case "open_docs":
      return "Open the documentation";
    default:
      return "Continue";
  }
}

/** Human names of the form fields that backend errors can point at. */
export const FIELD_LABELS: Record<string, string> = {
  name: "name",
  environmentUrl: "environment URL",
  accountUuid: "account UUID",
  clientId: "client ID",
  secret: "secret",
  scopes: "scopes",
  expiry: "expiry",
};

/**
 * Maps a field name from the backend onto the form field that shows it. The secret input serves
 * the client secret, the platform token and the API token, and the expiry group serves the API's
 * `expirationDate`.
 */
export function formField(field: string): string {
  switch (field) {
    case "clientSecret":
    case "platformToken":
    case "apiToken":
    case "token":
      return "secret";
    case "expirationDate":
      return "expiry";
    default:
      return field;
  }
}
