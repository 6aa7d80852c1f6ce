import { screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import type { Profile, ProfileInput } from "../src/lib/api";
import { renderApp } from "./render-app";

const MANAGED_URL = "https://dynatrace.example.com/e/prod01";
const MANAGED_HOST = "dynatrace.example.com";
const API_TOKEN = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

type App = Awaited<ReturnType<typeof renderApp>>;

/** Opens the connect step and fills in an API token profile for `url`. */
async function fillApiTokenProfile(app: App, url: string): Promise<void> {
  const { user } = app;
  await user.click(screen.getByTestId("welcome-connect"));
  await user.click(await screen.findByTestId("next"));
  await screen.findByTestId("save-test");
  await user.click(screen.getByTestId("other-sign-in"));
  await user.click(screen.getByTestId("auth-api-token"));
  await user.type(screen.getByTestId("profile-name"), "Managed");
  await user.type(screen.getByTestId("environment-url"), url);
  await user.type(screen.getByTestId("client-secret"), API_TOKEN);
}

function trustBox(): HTMLInputElement {
  return screen.getByTestId("trust-host") as HTMLInputElement;
}

function lastInput(app: App, command: string): ProfileInput {
  return app.backend.callsOf(command).at(-1)?.args.input as ProfileInput;
}

describe("custom host confirmation", () => {
  it("asks to trust a Managed host by name", async () => {
    const app = await renderApp();
    await fillApiTokenProfile(app, MANAGED_URL);

    const box = await screen.findByTestId("trust-host");
    expect((box as HTMLInputElement).checked).toBe(false);
    expect(box.closest("label")?.textContent).toContain(`I trust ${MANAGED_HOST} with this token`);
    const help = screen.getByTestId("trust-host-help");
    expect(help.textContent).toContain("only to Dynatrace hosts");
    expect(box.getAttribute("aria-describedby")).toBe(help.id);
    const warning = await screen.findByTestId("environment-url-warning");
    expect(warning.textContent).toContain(MANAGED_HOST);
  });

  it("does not ask for a Dynatrace host", async () => {
    const app = await renderApp();
    await fillApiTokenProfile(app, "https://abc12345.live.dynatrace.com");

    await screen.findByTestId("environment-api-base");
    expect(screen.queryByTestId("trust-host")).toBeNull();
    expect(lastInput(app, "validate_profile").trustedHost).toBeNull();
  });

  it("blocks saving until the host is trusted", async () => {
    const app = await renderApp();
    await fillApiTokenProfile(app, MANAGED_URL);
    await screen.findByTestId("trust-host");

    await app.user.click(screen.getByTestId("save-test"));

    const error = await screen.findByTestId("environment-url-error");
    expect(error.textContent).toContain(`I trust ${MANAGED_HOST} with this token`);
    expect(app.backend.profiles).toEqual([]);
    expect(app.backend.callsOf("test_connection")).toEqual([]);

    await app.user.click(trustBox());
    expect(trustBox().checked).toBe(true);
    expect(screen.queryByTestId("environment-url-error")).toBeNull();
    await app.user.click(screen.getByTestId("save-test"));

    await screen.findByTestId("connection-report");
    expect(lastInput(app, "save_profile").trustedHost).toBe(MANAGED_HOST);
    expect(app.backend.profiles[0].trustedHost).toBe(MANAGED_HOST);
  });

  it("drops the trust when the host changes", async () => {
    const app = await renderApp();
    await fillApiTokenProfile(app, MANAGED_URL);
    await app.user.click(await screen.findByTestId("trust-host"));
    await waitFor(() => expect(lastInput(app, "validate_profile").trustedHost).toBe(MANAGED_HOST));

    const url = screen.getByTestId("environment-url");
    await app.user.clear(url);
    await app.user.type(url, "https://other.example.com/e/prod01");

    await waitFor(() =>
      expect(trustBox().closest("label")?.textContent).toContain("I trust other.example.com"),
    );
    expect(trustBox().checked).toBe(false);
    await app.user.click(screen.getByTestId("save-test"));
    const error = await screen.findByTestId("environment-url-error");
    expect(error.textContent).toContain("other.example.com");
    expect(app.backend.profiles).toEqual([]);
  });

  it("keeps the trust of a saved profile", async () => {
    const saved: Profile = {
      id: "managed-1",
      name: "Managed",
      authMethod: "apiToken",
      environmentUrl: MANAGED_URL,
      accountUuid: null,
      clientId: null,
      secretStored: true,
      sandbox: false,
      lastScopes: [],
      lastPresetId: null,
      trustedHost: MANAGED_HOST,
    };
    const app = await renderApp({ profiles: [saved] });
    app.backend.secrets.set(saved.id, API_TOKEN);

    await app.user.click(screen.getByTestId("profile-managed-1"));

    await waitFor(() => expect(trustBox().checked).toBe(true));
    expect(screen.queryByTestId("environment-url-warning")).toBeNull();
    await app.user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    expect(lastInput(app, "save_profile").trustedHost).toBe(MANAGED_HOST);
  });
});
