import { screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { renderApp } from "./render-app";

const MOVED_ASIDE =
  "The settings file could not be read, so the app started with no saved profiles. The old " +
  "file was kept as /data/settings.json.unreadable-20261204T101500Z.";

describe("start-up notices", () => {
  it("shows a settings file that was moved aside on the welcome screen", async () => {
    await renderApp({ notices: [MOVED_ASIDE] });

    const notices = await screen.findAllByTestId("startup-notice");

    expect(notices.map((notice) => notice.textContent)).toEqual([MOVED_ASIDE]);
  });

  it("shows the notice once, not again after dismissing and returning", async () => {
    const { user } = await renderApp({ notices: [MOVED_ASIDE] });
    await screen.findByTestId("startup-notice");

    await user.click(screen.getByTestId("dismiss-startup-notices"));
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-welcome"));
    await screen.findByTestId("welcome-connect");

    expect(screen.queryByTestId("startup-notice")).toBeNull();
  });

  it("shows nothing when the backend reports no notices", async () => {
    await renderApp();
    await screen.findByTestId("welcome-connect");

    expect(screen.queryByTestId("startup-notices")).toBeNull();
  });
});
