// In-memory stand-in for the Tauri backend, for unit tests (through `mockIPC`) and for the
// screenshot build. It follows the command contract closely enough to drive every screen. The
// end-to-end tests exercise the real backend and the real sandbox instead.

import catalogueTsv from "../../crates/dynatrace-scopes/src/catalogue.tsv?raw";
import type {
  AppErrorData as AppError,
  AppState,
  ConnectionReport,
  CreatedToken,
  ErrorCode,
  Preset,
  Profile,
  ProfileInput,
  SandboxInfo,
  ScopeInfo,
  Settings,
  TokenRequest,
  ValidationReport,
} from "../src/lib/api";

export const SANDBOX: SandboxInfo = {
  environmentUrl: "http://127.0.0.1:43117",
  accountUuid: "6a1c9f3e-2b7d-4e58-9c0a-81f2d4b6e739",
  clientId: "dt0s02.SANDBOXDEMO",
  clientSecret: "dt0s02.SANDBOXDEMO.DEMOSECRETFORTHELOCALSANDBOXONLY0000000000",
  wrongClientSecret: "dt0s02.SANDBOXDEMO.WRONGSECRETTOSHOWANERRORMESSAGE000000000",
};

export const CREATED_TOKEN_SECRET =
  "S3CRETPART0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
export const CREATED_TOKEN_ID = "dt0c01.FAKEPUBLICPART0000000001";

export const SCOPES: ScopeInfo[] = catalogueTsv
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => {
    const [id, meaning] = line.split("\t");
    return { id, meaning };
  });

export const PRESETS: Preset[] = [
  {
    id: "oneagent-installer",
    name: "OneAgent installer download",
    purpose: "Download OneAgent installers, for example from a deployment script.",
    scopes: ["InstallerDownload"],
    docsUrl:
      "https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens",
  },
  {
    id: "kubernetes-operator",
    name: "Kubernetes: Dynatrace Operator",
    purpose: "Let Dynatrace Operator deploy OneAgent and ActiveGate in a cluster.",
    scopes: [
      "InstallerDownload",
      "DataExport",
      "entities.read",
      "settings.read",
      "settings.write",
      "activeGateTokenManagement.create",
    ],
    docsUrl:
      "https://docs.dynatrace.com/docs/ingest-from/setup-on-k8s/deployment/tokens-permissions",
  },
  {
    id: "log-ingest",
    name: "Log ingest",
    purpose: "Send log lines to the log ingest API, for example from Fluent Bit.",
    scopes: ["logs.ingest"],
    docsUrl:
      "https://docs.dynatrace.com/docs/discover-dynatrace/references/dynatrace-api/environment-api/log-monitoring-v2/post-ingest-logs",
  },
  {
    id: "metric-ingest",
    name: "Metric ingest",
    purpose: "Send metric data points to the metrics ingest API.",
    scopes: ["metrics.ingest"],
    docsUrl:
      "https://docs.dynatrace.com/docs/discover-dynatrace/references/dynatrace-api/environment-api/metric-v2/post-ingest-metrics",
  },
];

/** A Managed address: `https://<cluster>/e/<environment ID>`. */
const MANAGED = /^https:\/\/[^/]+\/e\/([A-Za-z0-9-]+)$/;
const DYNATRACE_HOST = /(^|\.)dynatrace(labs)?\.com$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function appError(
  code: ErrorCode,
  message: string,
  extra: Partial<AppError> = {},
): AppError {
  return {
    code,
    message,
    detail: null,
    fieldErrors: [],
    missingScopes: [],
    retryAfterSeconds: null,
    tokenId: null,
    ...extra,
  };
}

export type Call = { command: string; args: Record<string, unknown> };

export type FakeOptions = {
  keychainAvailable?: boolean;
  profiles?: Profile[];
  /** Makes the next create_token fail like a lost 201 reply. */
  loseCreatedToken?: boolean;
  /** With `loseCreatedToken`: the backend could not tell which new token is ours. */
  lostTokenUnidentified?: boolean;
  /** Start-up notices `get_app_state` returns. */
  notices?: string[];
};

export class FakeBackend {
  calls: Call[] = [];
  profiles: Profile[];
  secrets = new Map<string, string>();
  settings: Settings = { clipboardClearSeconds: 60 };
  sandbox: SandboxInfo | null = null;
  heldToken: CreatedToken | null = null;
  keychainAvailable: boolean;
  loseCreatedToken: boolean;
  lostTokenUnidentified: boolean;
  notices: string[];
  /** Error the next create_token throws, if set. */
  nextCreateError: AppError | null = null;
  private nextProfile = 1;

  constructor(options: FakeOptions = {}) {
    this.keychainAvailable = options.keychainAvailable ?? true;
    this.profiles = options.profiles ?? [];
    this.loseCreatedToken = options.loseCreatedToken ?? false;
    this.lostTokenUnidentified = options.lostTokenUnidentified ?? false;
    this.notices = options.notices ?? [];
  }

  callsOf(command: string): Call[] {
    return this.calls.filter((call) => call.command === command);
  }

  /** Entry point for `mockIPC`: returns the command's data or throws its `AppError`. */
  handle = (command: string, args: Record<string, unknown> = {}): unknown => {
    this.calls.push({ command, args });
    switch (command) {
      case "get_app_state":
        return this.appState();
      case "start_sandbox":
        this.sandbox = SANDBOX;
        return SANDBOX;
      case "stop_sandbox":
        this.sandbox = null;
        return null;
      case "validate_profile":
        return this.validate(args.input as ProfileInput);
      case "save_profile":
        return this.save(args.input as ProfileInput);
      case "delete_profile":
        this.profiles = this.profiles.filter((profile) => profile.id !== args.id);
        return null;
      case "test_connection":
        return this.testConnection(args.profileId as string);
      case "list_scopes":
        return SCOPES;
      case "list_presets":
        return PRESETS;
      case "create_token":
        return this.createToken(args.profileId as string, args.request as TokenRequest);
      case "copy_token":
        if (!this.heldToken) throw appError("no_token_to_copy", "No token to copy.");
        return {
          clearsInSeconds:
            this.settings.clipboardClearSeconds === 0 ? null : this.settings.clipboardClearSeconds,
        };
      case "forget_token":
        this.heldToken = null;
        return null;
      case "revoke_token":
        return null;
      case "update_settings":
        this.settings = { ...(args.settings as Settings) };
        return this.settings;
      case "open_external":
        return null;
      default:
        throw `command ${command} not found`;
    }
  };

  appState(): AppState {
    return {
      profiles: this.profiles,
      lastProfileId: this.profiles[0]?.id ?? null,
      keychain: {
        available: this.keychainAvailable,
        backend: this.keychainAvailable ? "Secret Service (GNOME Keyring)" : "none",
        problem: this.keychainAvailable
          ? null
          : appError(
              "keychain_unavailable",
              "No Secret Service is running, so secrets cannot be stored. Install and start " +
                "gnome-keyring (or KeePassXC with Secret Service enabled), then check again.",
              { detail: "org.freedesktop.secrets was not provided by any .service files" },
            ),
      },
      sandbox: this.sandbox,
      settings: this.settings,
      version: "0.1.0",
      notices: this.notices,
    };
  }

  validate(input: ProfileInput): ValidationReport {
    const fieldErrors: { field: string; message: string }[] = [];
    const warnings: { field: string; message: string }[] = [];
    if (input.name === "") fieldErrors.push({ field: "name", message: "Enter a profile name." });

    let environment: ValidationReport["environment"] = null;
    const pasted = input.environmentUrl.trim();
    const url = pasted.replace(/\/(ui|#).*$/, "").replace(/\/+$/, "");
    const notes = url === pasted.replace(/\/+$/, "") ? [] : ["Removed the UI path after the host."];
    if (url === "") {
      fieldErrors.push({ field: "environmentUrl", message: "Enter the environment URL." });
    } else if (!/^https?:\/\/[^/\s]+/.test(url)) {
      fieldErrors.push({
        field: "environmentUrl",
        message: "Start the URL with https://, for example https://abc12345.apps.dynatrace.com.",
      });
    } else if (MANAGED.test(url) && !DYNATRACE_HOST.test(new URL(url).hostname)) {
      const customHost = input.sandbox ? null : new URL(url).host;
      environment = {
        display: url,
        environmentId: MANAGED.exec(url)?.[1] ?? null,
        kind: "managed",
        apiBase: `${url}/api/v2/`,
        notes,
        customHost,
      };
      if (customHost !== null && input.trustedHost !== customHost) {
        warnings.push({
          field: "environmentUrl",
          message:
            `${customHost} is not a Dynatrace host (dynatrace.com or dynatracelabs.com). If it ` +
            "is your Dynatrace Managed cluster, confirm that you trust it with this token.",
        });
      }
    } else {
      const local = url.startsWith("http://127.0.0.1");
      environment = {
        display: url,
        environmentId: local ? null : (/^https:\/\/([^.]+)\./.exec(url)?.[1] ?? null),
        kind: local ? "sandbox" : "saas",
        apiBase: `${url}/platform/classic/environment-api/v2/`,
        notes,
        customHost: null,
      };
    }

    if (input.authMethod === "oauth") {
      const clientId = input.clientId ?? "";
      if (!UUID.test(input.accountUuid ?? "")) {
        fieldErrors.push({
          field: "accountUuid",
          message: "Enter the account UUID, such as 12345678-90ab-cdef-1234-567890abcdef.",
        });
      }
      if (clientId.split(".").length === 3) {
        fieldErrors.push({
          field: "clientId",
          message: "This is a client secret, not a client ID. Paste it into Client secret.",
        });
      } else if (!clientId.startsWith("dt0s02.")) {
        fieldErrors.push({ field: "clientId", message: "Client IDs start with dt0s02." });
      }
      const secret = input.secret;
      if (secret === null) {
        if (input.id === null) {
          fieldErrors.push({ field: "clientSecret", message: "Enter the client secret." });
        }
      } else if (!secret.startsWith(`${clientId}.`)) {
        fieldErrors.push({
          field: "clientSecret",
          message: "The secret does not start with the client ID. Check that both belong together.",
        });
      }
    }
    return { fieldErrors, warnings, environment };
  }

  save(input: ProfileInput): Profile {
    if (!this.keychainAvailable) {
      throw appError("keychain_unavailable", "No keychain is available to store the secret.");
    }
    const customHost = this.validate(input).environment?.customHost ?? null;
    if (customHost !== null && input.trustedHost !== customHost) {
      throw appError(
        "invalid_input",
        "Some fields are not valid. Correct the marked fields and try again.",
        {
          fieldErrors: [
            {
              field: "environmentUrl",
              message:
                `${customHost} is not a Dynatrace host, so the app sends it no secret until you ` +
                `confirm it. If it is your Dynatrace Managed cluster, select "I trust ` +
                `${customHost} with this token" under the environment URL and save again.`,
            },
          ],
        },
      );
    }
    const existing = this.profiles.find((profile) => profile.id === input.id);
    const id = existing?.id ?? `profile-${this.nextProfile++}`;
    if (input.secret !== null) this.secrets.set(id, input.secret);
    const profile: Profile = {
      id,
      name: input.name,
      authMethod: input.authMethod,
      environmentUrl: input.environmentUrl.replace(/\/+$/, ""),
      accountUuid: input.accountUuid,
      clientId: input.clientId,
      secretStored: this.secrets.has(id),
      sandbox: input.sandbox,
      lastScopes: existing?.lastScopes ?? [],
      lastPresetId: existing?.lastPresetId ?? null,
      trustedHost: customHost,
    };
    this.profiles = [...this.profiles.filter((saved) => saved.id !== id), profile];
    return profile;
  }

  testConnection(profileId: string): ConnectionReport {
    const profile = this.profiles.find((saved) => saved.id === profileId);
    if (!profile) throw appError("profile_not_found", "The profile no longer exists.");
    if (this.secrets.get(profileId) === SANDBOX.wrongClientSecret) {
      throw appError(
        "oauth_invalid_client",
        "Dynatrace SSO rejected the client ID or secret. Copy both again from the OAuth client " +
          "in Account Management; the secret starts with the client ID.",
        {
          detail:
            "invalid_request: The provided client credentials (client_id or client_secret) " +
            "are not correct.",
        },
      );
    }
    return {
      authMethod: profile.authMethod,
      scopeFamily: "environment-api:api-tokens:*",
      grantedScopes: [
        "environment-api:api-tokens:read",
        "environment-api:api-tokens:write",
        "environment-api:deployment:download",
      ],
      canRead: true,
      canWrite: true,
      tokenCount: 3,
      apiBase: profile.trustedHost
        ? `${profile.environmentUrl}/api/v2/`
        : `${profile.environmentUrl}/platform/classic/environment-api/v2/`,
      ssoOrigin: profile.sandbox ? profile.environmentUrl : "https://sso.dynatrace.com",
      warnings: [],
    };
  }

  createToken(profileId: string, request: TokenRequest): CreatedToken {
    const profile = this.profiles.find((saved) => saved.id === profileId);
    if (!profile) throw appError("profile_not_found", "The profile no longer exists.");
    if (this.nextCreateError) {
      const error = this.nextCreateError;
      this.nextCreateError = null;
      throw error;
    }
    if (this.loseCreatedToken) {
      this.loseCreatedToken = false;
      if (this.lostTokenUnidentified) {
        throw appError(
          "created_not_delivered",
          "Dynatrace may have created the token, but the reply with its secret was lost on the " +
            "way, and 2 new tokens carry its name.",
          { tokenId: null, detail: "connection closed before the response body ended" },
        );
      }
      throw appError(
        "created_not_delivered",
        "Dynatrace created the token, but the reply with its secret was lost on the way. " +
          `Token ${CREATED_TOKEN_ID}, owner service-user@example.com, created ` +
          "2026-12-04T10:00:00Z. Revoke it, or keep it if you can live with an unknown secret.",
        { tokenId: CREATED_TOKEN_ID, detail: "connection closed before the response body ended" },
      );
    }
    const expirationDate =
      request.expiry.kind === "never"
        ? null
        : request.expiry.kind === "date"
          ? `${request.expiry.date}T00:00:00.000Z`
          : new Date(Date.UTC(2026, 11, 4 + request.expiry.days)).toISOString();
    const token: CreatedToken = {
      id: CREATED_TOKEN_ID,
      token: `${CREATED_TOKEN_ID}.${CREATED_TOKEN_SECRET}`,
      name: request.name,
      scopes: request.scopes,
      expirationDate,
      environmentUrl: profile.environmentUrl,
    };
    this.heldToken = token;
    profile.lastScopes = request.scopes;
    profile.lastPresetId = request.presetId;
    return token;
  }
}
