// The only module the UI calls the backend through. It unwraps the generated `Result` values, so
// callers get the data or a thrown `AppError`, and keeps the generated file replaceable.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import {
  commands,
  type AppError as AppErrorData,
  type AppState,
  type ClipboardReceipt,
  type ConnectionReport,
  type CreatedToken,
  type EnvironmentPreview,
  type ErrorCode,
  type FieldMessage,
  type KeychainStatus,
  type Preset,
  type Profile,
  type ProfileInput,
  type SandboxInfo,
  type ScopeInfo,
  type Settings,
  type TokenRequest,
  type ValidationReport,
} from "./bindings";

export type {
  AppErrorData,
  AppState,
  ClipboardReceipt,
  ConnectionReport,
  CreatedToken,
  EnvironmentPreview,
  ErrorCode,
  FieldMessage,
  KeychainStatus,
  Preset,
  Profile,
  ProfileInput,
  SandboxInfo,
  ScopeInfo,
  Settings,
  TokenRequest,
  ValidationReport,
};
export type { AuthMethod, EnvironmentKind, Expiry } from "./bindings";

/** Outcome of a generated command, as tauri-specta shapes it. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

/** A failed command, with every field of the backend's error. */
export class AppError extends Error implements AppErrorData {
  readonly code: ErrorCode;
  readonly detail: string | null;
  readonly fieldErrors: FieldMessage[];
  readonly missingScopes: string[];
  readonly retryAfterSeconds: number | null;
  readonly tokenId: string | null;

  constructor(data: AppErrorData) {
    super(data.message);
    this.name = "AppError";
    this.code = data.code;
    this.detail = data.detail;
    this.fieldErrors = data.fieldErrors ?? [];
    this.missingScopes = data.missingScopes ?? [];
    this.retryAfterSeconds = data.retryAfterSeconds ?? null;
    this.tokenId = data.tokenId ?? null;
  }

  /** Converts anything a command can reject with into an `AppError`. */
  static from(value: unknown): AppError {
    if (value instanceof AppError) return value;
    if (isAppErrorData(value)) return new AppError(value);

    // Tauri rejects with a plain string when a command is missing or its arguments do not
    // deserialise, so this path means the front end and the backend disagree.
    const detail = value instanceof Error ? value.message : String(value);
    return new AppError({
      code: "internal",
      message:
        "The app's backend returned an unexpected error. Restart the app, and report the " +
        "detail below if it happens again.",
      detail,
      fieldErrors: [],
      missingScopes: [],
      retryAfterSeconds: null,
      tokenId: null,
    });
  }
}

function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === "string" && typeof candidate.message === "string";
}

/** Returns the data of a successful result and throws `AppError` otherwise. */
export async function unwrap<T>(pending: Promise<Result<T, AppErrorData>>): Promise<T> {
  let result: Result<T, AppErrorData>;
  try {
    result = await pending;
  } catch (error) {
    throw AppError.from(error);
  }
  if (result.status === "error") throw AppError.from(result.error);
  return result.data;
}

export const getAppState = (): Promise<AppState> => unwrap(commands.getAppState());

export const startSandbox = (): Promise<SandboxInfo> => unwrap(commands.startSandbox());

export const stopSandbox = (): Promise<null> => unwrap(commands.stopSandbox());

export const validateProfile = (input: ProfileInput): Promise<ValidationReport> =>
  unwrap(commands.validateProfile(input));

export const saveProfile = (input: ProfileInput): Promise<Profile> =>
  unwrap(commands.saveProfile(input));

export const deleteProfile = (id: string): Promise<null> => unwrap(commands.deleteProfile(id));

export const testConnection = (profileId: string): Promise<ConnectionReport> =>
  unwrap(commands.testConnection(profileId));

export const listScopes = (): Promise<ScopeInfo[]> => unwrap(commands.listScopes());

export const listPresets = (): Promise<Preset[]> => unwrap(commands.listPresets());

export const createToken = (profileId: string, request: TokenRequest): Promise<CreatedToken> =>
  unwrap(commands.createToken(profileId, request));

export const copyToken = (): Promise<ClipboardReceipt> => unwrap(commands.copyToken());

export const forgetToken = (): Promise<null> => unwrap(commands.forgetToken());

export const revokeToken = (profileId: string, tokenId: string): Promise<null> =>
  unwrap(commands.revokeToken(profileId, tokenId));

export const updateSettings = (settings: Settings): Promise<Settings> =>
  unwrap(commands.updateSettings(settings));

export const openExternal = (url: string): Promise<null> => unwrap(commands.openExternal(url));

/** Name of the `ClipboardCleared` event, as `events.clipboardCleared` in the bindings uses it. */
export const CLIPBOARD_CLEARED_EVENT = "clipboard-cleared";

/** Calls `handler` whenever the backend clears the clipboard; resolves to the unlisten function. */
export function onClipboardCleared(handler: () => void): Promise<UnlistenFn> {
  return listen(CLIPBOARD_CLEARED_EVENT, () => handler());
}
