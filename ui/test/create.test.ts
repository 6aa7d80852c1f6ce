import { screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { appError, CREATED_TOKEN_ID } from "./fake-backend";
import { renderApp } from "./render-app";

async function openCreate(options = {}) {
  const app = await renderApp(options);
  await app.user.click(screen.getByTestId("welcome-sandbox"));
  await app.user.click(await screen.findByTestId("step-connect"));
  await app.user.click(await screen.findByTestId("fill-sandbox"));
  await app.user.click(screen.getByTestId("save-test"));
  await screen.findByTestId("connection-report");
  await app.user.click(screen.getByTestId("next"));
  await screen.findByTestId("preset-log-ingest");
  return app;
}

describe("create step", () => {
  it("offers revoking a token whose secret was lost", async () => {
    const { backend, user } = await openCreate({ loseCreatedToken: true });
    await user.click(screen.getByTestId("preset-log-ingest"));

    await user.click(screen.getByTestId("create-token"));

    const panel = await screen.findByTestId("error-panel");
    expect(panel.getAttribute("data-code")).toBe("created_not_delivered");
    expect(screen.getByTestId("error-token-id").textContent).toBe(CREATED_TOKEN_ID);
    expect(screen.getByTestId("keep-token")).toBeTruthy();
    await user.click(screen.getByTestId("revoke-token"));
    expect(backend.callsOf("revoke_token")).toHaveLength(0);
    const confirmation = screen.getByTestId("confirm-revoke-token");
    expect(confirmation.textContent).toBe(`Revoke ${CREATED_TOKEN_ID}`);
    expect(screen.getByTestId("revoke-confirm-message").textContent).toContain(
      "owner service-user@example.com",
    );
    await user.click(confirmation);

    await screen.findByTestId("revoke-status");
    const revoke = backend.callsOf("revoke_token");
    expect(revoke).toHaveLength(1);
    expect(revoke[0].args).toEqual({ profileId: "profile-1", tokenId: CREATED_TOKEN_ID });
    expect(screen.getByTestId("revoke-status").textContent).toContain("was revoked");
  });

  it("revokes nothing when the user cancels the confirmation", async () => {
    const { backend, user } = await openCreate({ loseCreatedToken: true });
    await user.click(screen.getByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("create-token"));
    await screen.findByTestId("error-panel");
    await user.click(screen.getByTestId("revoke-token"));

    await user.click(screen.getByTestId("cancel-revoke"));

    expect(screen.queryByTestId("confirm-revoke-token")).toBeNull();
    expect(screen.getByTestId("revoke-token")).toBeTruthy();
    expect(backend.callsOf("revoke_token")).toHaveLength(0);
  });

  it("offers no revoke when the lost token cannot be identified", async () => {
    const { backend, user } = await openCreate({
      loseCreatedToken: true,
      lostTokenUnidentified: true,
    });
    await user.click(screen.getByTestId("preset-log-ingest"));

    await user.click(screen.getByTestId("create-token"));

    const panel = await screen.findByTestId("error-panel");
    expect(panel.getAttribute("data-code")).toBe("created_not_delivered");
    expect(screen.queryByTestId("revoke-token")).toBeNull();
    expect(screen.queryByTestId("error-token-id")).toBeNull();
    expect(screen.getByTestId("revoke-unavailable").textContent).toContain(
      "access token list in Dynatrace",
    );
    expect(backend.callsOf("revoke_token")).toHaveLength(0);
  });

  it("keeps a lost token when the user chooses so", async () => {
    const { backend, user } = await openCreate({ loseCreatedToken: true });
    await user.click(screen.getByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("create-token"));
    await screen.findByTestId("error-panel");

    await user.click(screen.getByTestId("keep-token"));

    expect(screen.getByTestId("revoke-status").textContent).toContain("stays in Dynatrace");
    expect(backend.callsOf("revoke_token")).toHaveLength(0);
  });

  it("rejects an empty name and no scopes before calling the backend", async () => {
    const { backend, user } = await openCreate();
    await user.clear(screen.getByTestId("token-name"));

    await user.click(screen.getByTestId("create-token"));

    expect(screen.getByTestId("token-name-error").textContent).toContain("Enter a name");
    expect(screen.getByTestId("scopes-error").textContent).toContain("at least one scope");
    expect(document.activeElement).toBe(screen.getByTestId("token-name"));
    expect(backend.callsOf("create_token")).toHaveLength(0);
  });

  it("finds scopes by meaning and lists picked ones as chips", async () => {
    const { user } = await openCreate();

    await user.type(screen.getByTestId("scope-search"), "installer download");
    await user.click(screen.getByTestId("scope-InstallerDownload"));

    expect(screen.queryByTestId("scope-metrics.read")).toBeNull();
    expect(screen.getByTestId("scope-chip-InstallerDownload")).toBeTruthy();
    await user.click(screen.getByTestId("remove-scope-InstallerDownload"));
    expect(screen.queryByTestId("scope-chip-InstallerDownload")).toBeNull();
  });

  it("lists all 91 scopes", async () => {
    await openCreate();

    const boxes = document.querySelectorAll('[data-testid^="scope-"][type="checkbox"]');

    expect(boxes).toHaveLength(91);
  });

  it("warns about a token that never expires and sends never", async () => {
    const { backend, user } = await openCreate();
    await user.click(screen.getByTestId("preset-metric-ingest"));

    await user.click(screen.getByTestId("expiry-never"));

    expect(screen.getByTestId("expiry-never-warning").textContent).toContain("never expires");
    await user.click(screen.getByTestId("token-kind-personal"));
    await user.click(screen.getByTestId("create-token"));
    const call = await waitFor(() => backend.callsOf("create_token")[0]);
    expect(call.args.request).toMatchObject({
      expiry: { kind: "never" },
      personalAccessToken: true,
    });
  });

  it("shows a backend field error next to the field", async () => {
    const { backend, user } = await openCreate();
    backend.nextCreateError = appError("validation_failed", "Dynatrace rejected the request.", {
      detail: "Constraints violated.",
      fieldErrors: [{ field: "expirationDate", message: "must be in the future" }],
    });
    await user.click(screen.getByTestId("preset-metric-ingest"));

    await user.click(screen.getByTestId("create-token"));

    expect((await screen.findByTestId("expiry-error")).textContent).toBe("must be in the future");
    expect(screen.getByTestId("error-title").textContent).toBe("Dynatrace rejected the request");
  });
});

describe("scope list keyboard", () => {
  it("is one tab stop with arrow keys", async () => {
    const { user } = await openCreate();
    const first = screen.getByTestId("scope-InstallerDownload");
    const second = screen.getByTestId("scope-DataExport");
    expect(first.tabIndex).toBe(0);
    expect(second.tabIndex).toBe(-1);

    first.focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(second);
    await user.keyboard(" ");
    expect(screen.getByTestId("scope-chip-DataExport")).toBeTruthy();

    await user.tab();
    expect(document.activeElement?.getAttribute("data-testid")).not.toMatch(/^scope-/);
  });
});

describe("create errors", () => {
  it("names missing scopes and opens Account Management", async () => {
    const { backend, user } = await openCreate();
    backend.nextCreateError = appError(
      "forbidden_missing_scope",
      "The OAuth client lacks a scope that creating tokens needs. Add it in Account Management.",
      { missingScopes: ["environment-api:api-tokens:write"], detail: "403 Forbidden" },
    );
    await user.click(screen.getByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("create-token"));

    const panel = await screen.findByTestId("error-panel");
    expect(panel.textContent).toContain("environment-api:api-tokens:write");
    expect(screen.getByTestId("error-title").textContent).toBe("Missing scope");
    await user.click(screen.getByTestId("error-action"));

    expect(backend.callsOf("open_external").map((call) => call.args.url)).toEqual([
      "https://myaccount.dynatrace.com",
    ]);
  });
});
