import { screen } from "@testing-library/svelte";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "./render-app";

const MAX_TABS = 150;

/** Presses Tab until the element with `testid` has focus; fails if it is not reachable. */
async function tabTo(user: UserEvent, testid: string): Promise<void> {
  for (let presses = 0; presses < MAX_TABS; presses++) {
    if (document.activeElement?.getAttribute("data-testid") === testid) return;
    await user.tab();
  }
  throw new Error(`${testid} not reached with ${MAX_TABS} presses of Tab`);
}

// The walk presses Tab a few hundred times through jsdom, which takes seconds on a loaded
// two-core machine, so this test gets more than Vitest's default 5 s.
const WALK_TIMEOUT_MS = 30_000;

describe("keyboard", () => {
  it("walks the sandbox flow without a mouse", { timeout: WALK_TIMEOUT_MS }, async () => {
    const { backend, user } = await renderApp();

    await tabTo(user, "welcome-sandbox");
    await user.keyboard("{Enter}");
    expect(document.activeElement?.id).toBe("view-heading");

    await tabTo(user, "prereq-service-user");
    await user.keyboard(" ");
    expect((screen.getByTestId("prereq-service-user") as HTMLInputElement).checked).toBe(true);
    await tabTo(user, "next");
    await user.keyboard("{Enter}");

    await tabTo(user, "fill-sandbox");
    await user.keyboard("{Enter}");
    await tabTo(user, "save-test");
    await user.keyboard("{Enter}");
    await screen.findByTestId("connection-report");
    await tabTo(user, "next");
    await user.keyboard("{Enter}");

    await screen.findByTestId("preset-log-ingest");
    await tabTo(user, "preset-log-ingest");
    await user.keyboard("{Enter}");
    await tabTo(user, "expiry-14");
    await user.keyboard("{ArrowRight}");
    expect((screen.getByTestId("expiry-30") as HTMLInputElement).checked).toBe(true);
    await tabTo(user, "create-token");
    await user.keyboard("{Enter}");

    await screen.findByTestId("token-value");
    await tabTo(user, "copy-token");
    await user.keyboard("{Enter}");
    expect(backend.callsOf("copy_token")).toHaveLength(1);
    await tabTo(user, "create-another");
    await user.keyboard("{Enter}");
    expect(backend.callsOf("forget_token")).toHaveLength(1);
  });
});
