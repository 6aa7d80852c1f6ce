import { screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { SANDBOX } from "./fake-backend";
import { renderApp } from "./render-app";

async function openConnect(options = {}) {
  const app = await renderApp(options);
  await app.user.click(screen.getByTestId("welcome-connect"));
  await app.user.click(await screen.findByTestId("next"));
  await screen.findByTestId("save-test");
  return app;
}

describe("connect step", () => {
  it("shows a field error next to the field as the user types", async () => {
    const { backend, user } = await openConnect();
    const clientId = screen.getByTestId("client-id");

    await user.type(clientId, "abc");

    const error = await screen.findByTestId("client-id-error");
    expect(error.textContent).toContain("Client IDs start with dt0s02.");
    expect(clientId.getAttribute("aria-invalid")).toBe("true");
    expect(clientId.getAttribute("aria-describedby")).toContain(error.id);
    const lastInput = backend.callsOf("validate_profile").at(-1)?.args.input;
    expect(lastInput).toMatchObject({ clientId: "abc", authMethod: "oauth" });
  });

  it("recognises a secret pasted into the client ID field", async () => {
    const { user } = await openConnect();
    const clientId = screen.getByTestId("client-id");

    await user.click(clientId);
    await user.paste(SANDBOX.clientSecret);

    const error = await screen.findByTestId("client-id-error");
    expect(error.textContent).toContain("This is a client secret, not a client ID.");
  });

  it("keeps untouched fields free of errors", async () => {
    const { user } = await openConnect();

    await user.type(screen.getByTestId("profile-name"), "Production");

    await waitFor(() => expect(screen.queryByTestId("environment-url-error")).toBeNull());
    expect(screen.queryByTestId("client-secret-error")).toBeNull();
  });

  it("shows the normalised URL and the API address", async () => {
    const { user } = await openConnect();

    await user.type(screen.getByTestId("environment-url"), "https://abc12345.apps.dynatrace.com/");

    const apiBase = await screen.findByTestId("environment-api-base");
    expect(apiBase.textContent).toBe(
      "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/",
    );
    expect(screen.getByTestId("environment-display").textContent).toBe(
      "https://abc12345.apps.dynatrace.com",
    );
  });

  it("shows title, message and detail for a wrong secret", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("next"));
    await user.click(await screen.findByTestId("fill-sandbox-wrong"));

    await user.click(screen.getByTestId("save-test"));

    const panel = await screen.findByTestId("error-panel");
    expect(panel.getAttribute("data-code")).toBe("oauth_invalid_client");
    expect(screen.getByTestId("error-title").textContent).toBe("Client ID or secret rejected");
    expect(screen.getByTestId("error-message").textContent).toContain(
      "Dynatrace SSO rejected the client ID or secret.",
    );
    expect(screen.getByTestId("error-detail").textContent).toContain(
      "client credentials (client_id or client_secret) are not correct",
    );
    expect(screen.queryByTestId("connection-report")).toBeNull();

    await user.click(screen.getByTestId("error-action"));
    expect(document.activeElement).toBe(screen.getByTestId("client-secret"));
  });

  it("switches to a platform token without account fields", async () => {
    const { backend, user } = await openConnect();

    await user.click(screen.getByTestId("other-sign-in"));
    await user.click(screen.getByTestId("auth-platform-token"));

    expect(screen.queryByTestId("account-uuid")).toBeNull();
    expect(screen.queryByTestId("client-id")).toBeNull();
    const secret = screen.getByTestId("client-secret") as HTMLInputElement;
    expect(secret.labels?.[0].textContent).toBe("Platform token");
    await waitFor(() =>
      expect(backend.callsOf("validate_profile").at(-1)?.args.input).toMatchObject({
        authMethod: "platformToken",
        accountUuid: null,
        clientId: null,
      }),
    );
  });

  it("explains a missing keychain and blocks saving", async () => {
    await openConnect({ keychainAvailable: false });

    const panel = screen.getByTestId("keychain-problem");
    expect(panel.textContent).toContain("No Secret Service is running");
    expect(panel.textContent).toContain("org.freedesktop.secrets");
    expect((screen.getByTestId("save-test") as HTMLButtonElement).disabled).toBe(true);
  });

  it("keeps the stored secret when a saved profile is edited", async () => {
    const { backend, user } = await renderApp({
      profiles: [
        {
          id: "saved-1",
          name: "Production",
          authMethod: "oauth",
          environmentUrl: "https://abc12345.apps.dynatrace.com",
          accountUuid: SANDBOX.accountUuid,
          clientId: SANDBOX.clientId,
          secretStored: true,
          sandbox: false,
          lastScopes: ["metrics.read"],
          lastPresetId: null,
        },
      ],
    });
    backend.secrets.set("saved-1", SANDBOX.clientSecret);

    await user.click(screen.getByTestId("profile-saved-1"));
    expect(await screen.findByTestId("secret-stored")).toBeTruthy();
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");

    const input = backend.callsOf("save_profile")[0].args.input as Record<string, unknown>;
    expect(input.id).toBe("saved-1");
    expect(input.secret).toBeNull();
  });
});

describe("sandbox profile", () => {
  it("is replaced, not duplicated, on a second visit", async () => {
    const { backend, user } = await renderApp();

    for (let visit = 0; visit < 2; visit++) {
      await user.click(await screen.findByTestId("welcome-sandbox"));
      await user.click(await screen.findByTestId("next"));
      await user.click(await screen.findByTestId("fill-sandbox"));
      await user.click(screen.getByTestId("save-test"));
      await screen.findByTestId("connection-report");
      await user.click(screen.getByTestId("step-welcome"));
    }

    expect(backend.callsOf("save_profile")).toHaveLength(2);
    expect(backend.profiles.filter((profile) => profile.sandbox)).toHaveLength(1);
  });
});

describe("connect step gate", () => {
  it("keeps Next locked after a failed test", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-connect"));
    const next = screen.getByTestId("next") as HTMLButtonElement;
    expect(next.disabled).toBe(true);

    await user.click(screen.getByTestId("fill-sandbox-wrong"));
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("error-panel");
    expect(next.disabled).toBe(true);
    expect((screen.getByTestId("step-create") as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    expect(next.disabled).toBe(false);
    expect(screen.queryByTestId("next-hint")).toBeNull();
  });
});
