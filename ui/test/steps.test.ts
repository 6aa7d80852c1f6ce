import { screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { renderApp } from "./render-app";

/** Lists form controls on the page that have no accessible name. */
function unlabelledControls(): string[] {
  const controls = document.querySelectorAll<HTMLElement>("input, select, textarea, button");
  return [...controls]
    .filter((control) => {
      if (control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")) {
        return false;
      }
      if (control instanceof HTMLButtonElement) return control.textContent?.trim() === "";
      const labels = (control as HTMLInputElement).labels;
      return !labels || labels.length === 0;
    })
    .map((control) => control.outerHTML.slice(0, 120));
}

describe("steps", () => {
  it("every step labels its controls", async () => {
    const { user } = await renderApp();
    expect(unlabelledControls()).toEqual([]);

    await user.click(screen.getByTestId("welcome-sandbox"));
    await screen.findByTestId("prereq-service-user");
    expect(unlabelledControls()).toEqual([]);

    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("other-sign-in"));
    expect(unlabelledControls()).toEqual([]);

    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("expiry-date"));
    expect(unlabelledControls()).toEqual([]);

    await user.click(screen.getByTestId("create-token"));
    await screen.findByTestId("token-value");
    expect(unlabelledControls()).toEqual([]);

    await user.click(screen.getByTestId("open-settings"));
    await screen.findByTestId("clipboard-clear-seconds");
    expect(unlabelledControls()).toEqual([]);
  });

  it("opens Account Management and docs in the browser", async () => {
    const { backend, user } = await renderApp();
    await user.click(screen.getByTestId("welcome-connect"));

    await user.click(await screen.findByTestId("open-account-management"));
    await user.click(screen.getByTestId("docs-serviceUser"));

    const urls = backend.callsOf("open_external").map((call) => call.args.url);
    expect(urls).toEqual([
      "https://myaccount.dynatrace.com",
      "https://docs.dynatrace.com/docs/manage/identity-access-management/user-and-group-management/access-service-users",
    ]);
    expect(location.href).not.toContain("docs.dynatrace.com");
  });

  it("shows a failed open_external as a notice", async () => {
    const { backend, user } = await renderApp();
    const handle = backend.handle;
    backend.handle = (command, args) => {
      if (command === "open_external") {
        throw { code: "internal", message: "No browser found.", detail: null, fieldErrors: [] };
      }
      return handle(command, args);
    };
    await user.click(screen.getByTestId("welcome-connect"));

    await user.click(await screen.findByTestId("open-account-management"));

    expect((await screen.findByTestId("notice")).textContent).toContain("No browser found.");
  });

  it("saves the clipboard delay and returns to the step", async () => {
    const { backend, user } = await renderApp();
    await user.click(screen.getByTestId("welcome-connect"));
    await screen.findByTestId("prereq-service-user");
    await user.click(screen.getByTestId("open-settings"));
    const seconds = await screen.findByTestId("clipboard-clear-seconds");

    await user.clear(seconds);
    await user.type(seconds, "-5");
    await user.click(screen.getByTestId("settings-save"));
    expect(screen.getByTestId("clipboard-clear-seconds-error").textContent).toContain(
      "whole number",
    );
    expect(backend.callsOf("update_settings")).toHaveLength(0);

    await user.clear(seconds);
    await user.type(seconds, "0");
    await user.click(screen.getByTestId("settings-save"));
    await waitFor(() =>
      expect(screen.getByTestId("settings-status").textContent).toBe("Settings saved."),
    );
    expect(backend.callsOf("update_settings")[0].args).toEqual({
      settings: { clipboardClearSeconds: 0 },
    });

    await user.click(screen.getByTestId("back"));
    expect(await screen.findByTestId("prereq-service-user")).toBeTruthy();
  });

  it("says when the clipboard is never cleared", async () => {
    const { backend, user } = await renderApp();
    backend.settings = { clipboardClearSeconds: 0 };
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-connect"));
    await user.click(await screen.findByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("create-token"));

    await user.click(await screen.findByTestId("copy-token"));

    await waitFor(() =>
      expect(screen.getByTestId("copy-status").textContent).toContain(
        "The clipboard is not cleared automatically",
      ),
    );
  });

  it("removes a saved profile after confirmation", async () => {
    const { backend, user } = await renderApp({
      profiles: [
        {
          id: "old",
          name: "Old test tenant",
          authMethod: "platformToken",
          environmentUrl: "https://xyz98765.apps.dynatrace.com",
          accountUuid: null,
          clientId: null,
          secretStored: true,
          sandbox: false,
          lastScopes: [],
          lastPresetId: null,
        },
      ],
    });

    await user.click(screen.getByTestId("delete-profile-old"));
    expect(backend.callsOf("delete_profile")).toHaveLength(0);
    await user.click(screen.getByTestId("confirm-delete-profile-old"));

    await waitFor(() => expect(screen.queryByTestId("saved-profile-old")).toBeNull());
    expect(backend.callsOf("delete_profile")[0].args).toEqual({ id: "old" });
  });
});
