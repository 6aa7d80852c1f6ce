import { screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

import { appError } from "./fake-backend";
import { renderApp } from "./render-app";

afterEach(() => {
  vi.useRealTimers();
});

describe("retry action", () => {
  it("waits for Retry-After before retrying", async () => {
    // Only the countdown's interval is faked; debounce and user-event keep real timeouts.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { backend, user } = await renderApp();
    const handle = backend.handle;
    let attempts = 0;
    backend.handle = (command, args) => {
      if (command === "test_connection" && ++attempts === 1) {
        throw appError("rate_limited", "Dynatrace limits requests; wait and try again.", {
          retryAfterSeconds: 3,
          detail: '{"code":429,"message":"Too many requests."}',
        });
      }
      return handle(command, args);
    };
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-connect"));
    await user.click(await screen.findByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("save-test"));

    const retry = (await screen.findByTestId("error-action")) as HTMLButtonElement;
    expect(screen.getByTestId("error-title").textContent).toBe("Too many requests");
    expect(retry.textContent?.trim()).toBe("Try again in 3 s");
    expect(retry.disabled).toBe(true);

    vi.advanceTimersByTime(3000);
    await waitFor(() => expect(retry.textContent?.trim()).toBe("Try again"));
    expect(retry.disabled).toBe(false);

    await user.click(retry);
    expect(await screen.findByTestId("connection-report")).toBeTruthy();
    expect(attempts).toBe(2);
  });
});

describe("clipboard countdown", () => {
  it("counts down after a copy", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { user } = await renderApp();
    await user.click(screen.getByTestId("welcome-sandbox"));
    await user.click(await screen.findByTestId("step-connect"));
    await user.click(await screen.findByTestId("fill-sandbox"));
    await user.click(screen.getByTestId("save-test"));
    await screen.findByTestId("connection-report");
    await user.click(screen.getByTestId("next"));
    await user.click(await screen.findByTestId("preset-log-ingest"));
    await user.click(screen.getByTestId("create-token"));
    await user.click(await screen.findByTestId("copy-token"));
    const status = screen.getByTestId("copy-status");
    await waitFor(() => expect(status.textContent).toContain("cleared in 60 s"));

    vi.advanceTimersByTime(5000);

    await waitFor(() => expect(status.textContent).toContain("cleared in 55 s"));
  });
});
