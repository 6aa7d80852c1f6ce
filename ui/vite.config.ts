import { fileURLToPath } from "node:url";

import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

const uiRoot = fileURLToPath(new URL(".", import.meta.url));

// Tauri loads `devUrl` (http://127.0.0.1:5173) in development and `ui/dist` in release builds.
export default defineConfig({
  root: uiRoot,
  base: "./",
  plugins: [svelte()],
  clearScreen: false,
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The app is loaded from disk, so one small chunk is fine and avoids inline preload helpers.
    modulePreload: false,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    root: uiRoot,
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
  },
});
