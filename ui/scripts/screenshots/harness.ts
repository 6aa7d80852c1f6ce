// Screenshot build only: replaces the Tauri backend with the in-memory fake and clicks through
// to the scenario named in the URL hash. Nothing here is part of the app's bundle.

import { mockIPC } from "@tauri-apps/api/mocks";

import "./shot.css";

import type { Profile } from "../../src/lib/api";
import { FakeBackend, SANDBOX } from "../../test/fake-backend";

const violations: string[] = [];
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
});

const SAVED_PROFILES: Profile[] = [
  {
    id: "prod",
    name: "Production",
    authMethod: "oauth",
    environmentUrl: "https://abc12345.apps.dynatrace.com",
    accountUuid: "0f3c2a71-5d0e-4b8a-9f61-2c7e8d4b1a90",
    clientId: "dt0s02.PRODCLIENT",
    secretStored: true,
    sandbox: false,
    lastScopes: ["InstallerDownload"],
    lastPresetId: "oneagent-installer",
  },
  {
    id: "managed",
    name: "Managed cluster (Frankfurt)",
    authMethod: "apiToken",
    environmentUrl: "https://dynatrace.example.internal/e/7c1d2e3f-aaaa-bbbb-cccc-0123456789ab",
    accountUuid: null,
    clientId: null,
    secretStored: true,
    sandbox: false,
    lastScopes: [],
    lastPresetId: null,
  },
];

const scenario = location.hash.slice(1) || "welcome";
const backend = new FakeBackend({
  keychainAvailable: scenario !== "welcome-keychain",
  profiles: scenario === "welcome" ? SAVED_PROFILES : [],
  loseCreatedToken: scenario === "create-lost",
});
mockIPC((command, args) => backend.handle(command, args as Record<string, unknown>), {
  shouldMockEvents: true,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function find(testid: string): Promise<HTMLElement> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const element = document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    if (element) return element;
    await sleep(25);
  }
  throw new Error(`no element with data-testid=${testid}`);
}

async function click(testid: string): Promise<void> {
  (await find(testid)).click();
  await sleep(60);
}

async function type(testid: string, value: string): Promise<void> {
  const input = (await find(testid)) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  await sleep(60);
}

async function connectSandbox(secret: "right" | "wrong"): Promise<void> {
  await click("welcome-sandbox");
  await click("step-connect");
  await click(secret === "right" ? "fill-sandbox" : "fill-sandbox-wrong");
  await click("save-test");
  await find(secret === "right" ? "connection-report" : "error-panel");
}

async function openCreate(): Promise<void> {
  await connectSandbox("right");
  await click("next");
  await find("preset-kubernetes-operator");
}

const SCENARIOS: Record<string, () => Promise<void>> = {
  welcome: async () => {},
  "welcome-keychain": async () => {},
  prerequisites: async () => {
    await click("welcome-connect");
    await click("prereq-service-user");
  },
  "connect-typing": async () => {
    await click("welcome-connect");
    await click("next");
    await type("profile-name", "Production");
    await type("environment-url", "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.classic");
    await type("account-uuid", "0f3c2a71-5d0e-4b8a-9f61-2c7e8d4b1a90");
    await type("client-id", `${SANDBOX.clientId}.PASTEDSECRETPART`);
    await sleep(400);
    (await find("client-id")).scrollIntoView({ block: "center" });
  },
  "connect-ok": () => connectSandbox("right"),
  "connect-error": () => connectSandbox("wrong"),
  "connect-other": async () => {
    await click("welcome-connect");
    await click("next");
    await click("other-sign-in");
    await click("auth-platform-token");
  },
  create: async () => {
    await openCreate();
    await click("preset-kubernetes-operator");
    await click("expiry-30");
  },
  "create-search": async () => {
    await openCreate();
    await click("preset-log-ingest");
    await click("expiry-never");
    await type("scope-search", "ingest");
    (await find("scope-search")).scrollIntoView({ block: "start" });
  },
  "create-lost": async () => {
    await openCreate();
    await click("preset-log-ingest");
    await click("create-token");
    await find("error-panel");
  },
  result: async () => {
    await openCreate();
    await click("preset-kubernetes-operator");
    await click("create-token");
    await click("copy-token");
  },
  "result-revealed": async () => {
    await openCreate();
    await click("preset-log-ingest");
    await click("create-token");
    await click("reveal-token");
    await click("usage-tab-bash");
  },
  settings: async () => {
    await click("open-settings");
  },
  // Leaves keyboard focus on a control, to check the focus ring.
  "focus-ring": async () => {
    await click("welcome-sandbox");
    await click("step-connect");
    await click("fill-sandbox");
    (await find("client-id")).focus();
  },
};

async function run(): Promise<void> {
  await import("../../src/main");
  await find("welcome-sandbox");
  await sleep(100);
  const step = SCENARIOS[scenario];
  if (!step) throw new Error(`unknown scenario ${scenario}`);
  await step();
  await sleep(300);
  if (scenario !== "focus-ring") (document.activeElement as HTMLElement | null)?.blur();
}

function report(problem: string): void {
  const banner = document.createElement("pre");
  banner.className = "shot-problem";
  banner.textContent = problem;
  document.body.append(banner);
}

run()
  .catch((error: unknown) => report(`Scenario ${scenario} failed: ${String(error)}`))
  .finally(() => {
    if (violations.length > 0) report(`CSP violations:\n${violations.join("\n")}`);
    document.documentElement.dataset.shotReady = "true";
  });
