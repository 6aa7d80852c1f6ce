import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";

import * as api from "../src/lib/api";
import { AppError } from "../src/lib/api";
import { appError, FakeBackend, SANDBOX } from "./fake-backend";

afterEach(() => clearMocks());

describe("api wrapper", () => {
  it("returns data of a successful command", async () => {
    mockIPC((command) => (command === "start_sandbox" ? SANDBOX : null));

    const sandbox = await api.startSandbox();

    expect(sandbox).toEqual(SANDBOX);
  });

  it("throws AppError with every field of a failed command", async () => {
    const failure = appError("rate_limited", "Too many requests; wait and try again.", {
      detail: '{"code":429,"message":"Too many requests."}',
      retryAfterSeconds: 12,
      fieldErrors: [{ field: "name", message: "too long" }],
      missingScopes: ["environment-api:api-tokens:write"],
      tokenId: "dt0c01.ABC",
    });
    mockIPC(() => {
      throw failure;
    });

    const error = await api.listScopes().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    const typed = error as AppError;
    expect(typed.code).toBe("rate_limited");
    expect(typed.message).toBe("Too many requests; wait and try again.");
    expect(typed.detail).toBe('{"code":429,"message":"Too many requests."}');
    expect(typed.retryAfterSeconds).toBe(12);
    expect(typed.fieldErrors).toEqual([{ field: "name", message: "too long" }]);
    expect(typed.missingScopes).toEqual(["environment-api:api-tokens:write"]);
    expect(typed.tokenId).toBe("dt0c01.ABC");
  });

  it("turns a plain string rejection into an internal AppError", async () => {
    mockIPC(() => {
      throw "command list_presets not found";
    });

    const error = (await api.listPresets().catch((caught: unknown) => caught)) as AppError;

    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("internal");
    expect(error.detail).toBe("command list_presets not found");
  });

  it("sends arguments under their camelCase names", async () => {
    const backend = new FakeBackend();
    mockIPC((command, args) => backend.handle(command, args as Record<string, unknown>));
    const profile = await api.saveProfile({
      id: null,
      name: "Sandbox",
      authMethod: "oauth",
      environmentUrl: SANDBOX.environmentUrl,
      accountUuid: SANDBOX.accountUuid,
      clientId: SANDBOX.clientId,
      secret: SANDBOX.clientSecret,
      sandbox: true,
      trustedHost: null,
    });

    await api.createToken(profile.id, {
      name: "t",
      scopes: ["metrics.read"],
      expiry: { kind: "days", days: 14 },
      personalAccessToken: false,
      presetId: null,
    });
    await api.revokeToken(profile.id, "dt0c01.XYZ");

    const create = backend.callsOf("create_token")[0];
    expect(create.args.profileId).toBe(profile.id);
    expect(create.args.request).toMatchObject({ expiry: { kind: "days", days: 14 } });
    expect(backend.callsOf("revoke_token")[0].args).toMatchObject({
      profileId: profile.id,
      tokenId: "dt0c01.XYZ",
    });
  });
});
