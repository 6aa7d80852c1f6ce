import { emit } from "@tauri-apps/api/event";
import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { CREATED_TOKEN_ID, CREATED_TOKEN_SECRET, SANDBOX } from "./fake-backend";
import { renderApp } from "./render-app";

describe("walkthrough", () => {
  it("creates, copies and forgets a token in the sandbox", async () => {
    const { backend, user } = await renderApp();

    // Welcome -> Prerequisites -> Connect.
    await user.click(screen.getByTestId("welcome-sandbox"));
    expect(await screen.findByTestId("sandbox-banner")).toBeTruthy();
    expect(backend.callsOf("start_sandbox")).toHaveLength(1);
    await user.click(await screen.findByTestId("next"));

    // Connect: fill the sandbox values, save and test.
    await user.click(await screen.findByTestId("fill-sandbox"));
    const secret = screen.getByTestId("client-secret") as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(secret.value).toBe(SANDBOX.clientSecret);
    await user.click(screen.getByTestId("save-test"));

    const report = await screen.findByTestId("connection-report");
    expect(within(report).getByTestId("report-token-count").textContent).toBe("3");
    expect(within(report).getByTestId("report-api-base").textContent).toBe(
      `${SANDBOX.environmentUrl}/platform/classic/environment-api/v2/`,
    );
    const saved = backend.callsOf("save_profile")[0].args.input as Record<string, unknown>;
    expect(saved.secret).toBe(SANDBOX.clientSecret);
    expect(saved.sandbox).toBe(true);
    // The form drops the secret once the keychain holds it.
    expect((screen.getByTestId("client-secret") as HTMLInputElement).value).toBe("");
    expect(screen.getByTestId("secret-stored")).toBeTruthy();

    // Create: preset, expiry, create.
    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("preset-log-ingest"));
    expect((screen.getByTestId("token-name") as HTMLInputElement).value).toMatch(
      /^log-ingest-\d{4}-\d{2}-\d{2}$/,
    );
    expect(screen.getByTestId("scope-chip-logs.ingest")).toBeTruthy();
    await user.click(screen.getByTestId("expiry-30"));
    await user.click(screen.getByTestId("create-token"));

    const request = (await waitFor(() => backend.callsOf("create_token")[0])).args.request;
    expect(request).toMatchObject({
      scopes: ["logs.ingest"],
      expiry: { kind: "days", days: 30 },
      personalAccessToken: false,
      presetId: "log-ingest",
    });

    // Result: masked until revealed, copy through the backend, clipboard-cleared event.
    const value = await screen.findByTestId("token-value");
    expect(value.textContent).not.toContain(CREATED_TOKEN_SECRET);
    expect(value.textContent).toContain(CREATED_TOKEN_ID);
    expect(screen.getByTestId("token-id").textContent).toBe(CREATED_TOKEN_ID);
    await user.click(screen.getByTestId("reveal-token"));
    expect(screen.getByTestId("token-value").textContent).toContain(CREATED_TOKEN_SECRET);
    await user.click(screen.getByTestId("reveal-token"));
    expect(screen.getByTestId("token-value").textContent).not.toContain(CREATED_TOKEN_SECRET);

    await user.click(screen.getByTestId("copy-token"));
    expect(backend.callsOf("copy_token")).toHaveLength(1);
    await waitFor(() =>
      expect(screen.getByTestId("copy-status").textContent).toContain(
        "Copied. The clipboard will be cleared in 60 s.",
      ),
    );
    await emit("clipboard-cleared");
    await waitFor(() =>
      expect(screen.getByTestId("copy-status").textContent).toContain("The clipboard was cleared."),
    );

    // Leaving the result makes the backend forget the token and removes it from the page.
    await user.click(screen.getByTestId("reveal-token"));
    expect(document.body.innerHTML).toContain(CREATED_TOKEN_SECRET);
    await user.click(screen.getByTestId("create-another"));
    await screen.findByTestId("create-token");
    expect(backend.callsOf("forget_token")).toHaveLength(1);
    expect(backend.heldToken).toBeNull();
    expect(document.body.innerHTML).not.toContain(CREATED_TOKEN_SECRET);
    expect(screen.queryByTestId("token-value")).toBeNull();
    expect(screen.getByTestId("sandbox-banner")).toBeTruthy();
  });

  it("forgets the token when the step rail leaves the result", async () => {
    const { backend, user } = await renderApp();
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-connect"));
    await user.click(await screen.findByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("preset-metric-ingest"));
    await user.click(screen.getByTestId("create-token"));
    await screen.findByTestId("token-value");

    await user.click(screen.getByTestId("step-welcome"));

    await screen.findByTestId("welcome-sandbox");
    expect(backend.callsOf("forget_token")).toHaveLength(1);
    expect(document.body.innerHTML).not.toContain(CREATED_TOKEN_SECRET);
    expect((screen.getByTestId("step-result") as HTMLButtonElement).disabled).toBe(true);
  });
});
