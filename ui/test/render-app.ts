import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../src/App.svelte";
import { FakeBackend, type FakeOptions } from "./fake-backend";

/** Renders the whole app against a fresh fake backend and waits for the welcome screen. */
export async function renderApp(options: FakeOptions = {}) {
  const backend = new FakeBackend(options);
  mockIPC((command, args) => backend.handle(command, args as Record<string, unknown>), {
    shouldMockEvents: true,
  });
  const user = userEvent.setup();
  const result = render(App);
  await screen.findByText("Version 0.1.0");
  return { backend, user, ...result };
}
