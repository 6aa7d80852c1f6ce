import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/svelte";
import { afterEach } from "vitest";

// jsdom has no CSS.escape, which user-event needs to move between radio buttons with arrow keys.
if (typeof globalThis.CSS?.escape !== "function") {
  const escape = (value: string) => value.replace(/[^\w-]/g, (character) => `\\${character}`);
  globalThis.CSS = { ...globalThis.CSS, escape } as typeof CSS;
}

afterEach(() => {
  cleanup();
  clearMocks();
});
