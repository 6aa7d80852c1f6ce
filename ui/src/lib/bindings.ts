// Stand-in for the file tauri-specta generates from the Rust command definitions. It follows the
// generated shape (camelCase commands returning `Result<T, AppError>`), and the generator
// overwrites it. Import from `api.ts`, never from here.

/** user-defined commands **/

export const commands = {
  async getAppState(): Promise<Result<AppState, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("get_app_state") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async startSandbox(): Promise<Result<SandboxInfo, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("start_sandbox") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async stopSandbox(): Promise<Result<null, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("stop_sandbox") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async validateProfile(input: ProfileInput): Promise<Result<ValidationReport, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("validate_profile", { input }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async saveProfile(input: ProfileInput): Promise<Result<Profile, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("save_profile", { input }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async deleteProfile(id: string): Promise<Result<null, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("delete_profile", { id }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async testConnection(profileId: string): Promise<Result<ConnectionReport, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("test_connection", { profileId }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async listScopes(): Promise<Result<ScopeInfo[], AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("list_scopes") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async listPresets(): Promise<Result<Preset[], AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("list_presets") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async createToken(
    profileId: string,
    request: TokenRequest,
  ): Promise<Result<CreatedToken, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("create_token", { profileId, request }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async copyToken(): Promise<Result<ClipboardReceipt, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("copy_token") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async forgetToken(): Promise<Result<null, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("forget_token") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async revokeToken(profileId: string, tokenId: string): Promise<Result<null, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("revoke_token", { profileId, tokenId }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async updateSettings(settings: Settings): Promise<Result<Settings, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("update_settings", { settings }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async openExternal(url: string): Promise<Result<null, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE("open_external", { url }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
};

/** user-defined types **/

export type AppError = {
  code: ErrorCode;
  message: string;
  detail: string | null;
  fieldErrors: FieldMessage[];
  missingScopes: string[];
  retryAfterSeconds: number | null;
  tokenId: string | null;
};
export type ErrorCode =
  | "invalid_environment_url"
  | "invalid_account_uuid"
  | "invalid_client_id"
  | "invalid_client_secret"
  | "invalid_credential"
  | "invalid_input"
  | "untrusted_host"
  | "oauth_invalid_client"
  | "oauth_invalid_scope"
  | "oauth_invalid_resource"
  | "oauth_error"
  | "unauthorized"
  | "forbidden_missing_scope"
  | "forbidden_policy"
  | "not_found"
  | "validation_failed"
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "dns"
  | "connect"
  | "tls"
  | "proxy"
  | "unexpected_content"
  | "malformed_response"
  | "created_not_delivered"
  | "token_secret_missing"
  | "keychain_unavailable"
  | "keychain_locked"
  | "keychain_denied"
  | "secret_not_stored"
  | "profile_not_found"
  | "sandbox_failed"
  | "clipboard_failed"
  | "no_token_to_copy"
  | "internal";
export type FieldMessage = { field: string; message: string };
export type AuthMethod = "oauth" | "platformToken" | "apiToken";
export type Profile = {
  id: string;
  name: string;
  authMethod: AuthMethod;
  environmentUrl: string;
  accountUuid: string | null;
  clientId: string | null;
  secretStored: boolean;
  sandbox: boolean;
  lastScopes: string[];
  lastPresetId: string | null;
};
export type KeychainStatus = { available: boolean; backend: string; problem: AppError | null };
export type Settings = { clipboardClearSeconds: number };
export type AppState = {
  profiles: Profile[];
  lastProfileId: string | null;
  keychain: KeychainStatus;
  sandbox: SandboxInfo | null;
  settings: Settings;
  version: string;
};
export type SandboxInfo = {
  environmentUrl: string;
  accountUuid: string;
  clientId: string;
  clientSecret: string;
  wrongClientSecret: string;
};
export type EnvironmentKind = "saas" | "saasSprint" | "saasDev" | "managed" | "sandbox";
export type EnvironmentPreview = {
  display: string;
  environmentId: string | null;
  kind: EnvironmentKind;
  apiBase: string;
  notes: string[];
};
export type ProfileInput = {
  id: string | null;
  name: string;
  authMethod: AuthMethod;
  environmentUrl: string;
  accountUuid: string | null;
  clientId: string | null;
  secret: string | null;
  sandbox: boolean;
};
export type ValidationReport = {
  fieldErrors: FieldMessage[];
  warnings: FieldMessage[];
  environment: EnvironmentPreview | null;
};
export type ConnectionReport = {
  authMethod: AuthMethod;
  scopeFamily: string | null;
  grantedScopes: string[];
  canRead: boolean;
  canWrite: boolean;
  tokenCount: number;
  apiBase: string;
  ssoOrigin: string | null;
  warnings: string[];
};
export type ScopeInfo = { id: string; meaning: string };
export type Preset = {
  id: string;
  name: string;
  purpose: string;
  scopes: string[];
  docsUrl: string;
};
export type Expiry =
  { kind: "days"; days: number } | { kind: "date"; date: string } | { kind: "never" };
export type TokenRequest = {
  name: string;
  scopes: string[];
  expiry: Expiry;
  personalAccessToken: boolean;
  presetId: string | null;
};
export type CreatedToken = {
  id: string;
  token: string;
  name: string;
  scopes: string[];
  expirationDate: string | null;
  environmentUrl: string;
};
export type ClipboardReceipt = { clearsInSeconds: number | null };

/** tauri-specta globals **/

import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";

export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
