// Steps of the wizard shared by the tests and the screenshot script, by data-testid.

export const TOKEN_FORMAT = /^dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/;

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * Clicks an element by test ID once it is enabled. `displayed: false` is for inputs styled to
 * be transparent over their label, such as segmented radio buttons, which WebDriver reports as
 * not displayed but which still take the click.
 */
export async function click(session, testId, { displayed = true } = {}) {
  const element = await session.waitFor(byTestId(testId), { displayed });
  await session.waitUntil(`${testId} to be enabled`, () => element.isEnabled());
  await element.click();
  return element;
}

export async function valueOf(session, testId) {
  const element = await session.waitFor(byTestId(testId));
  return element.property("value");
}

export async function replaceText(session, testId, text) {
  const element = await session.waitFor(byTestId(testId));
  await element.clear();
  await element.type(text);
}

/** Opens the sandbox from the welcome screen and fills the sandbox's demo connection. */
export async function fillSandboxConnection(session, { wrongSecret = false } = {}) {
  await click(session, "welcome-sandbox");
  // The prerequisites step explains Account Management; the sandbox needs none of it.
  await session.waitFor(byTestId("prereq-service-user"));
  await click(session, "next");
  await click(session, wrongSecret ? "fill-sandbox-wrong" : "fill-sandbox");
  const connection = {
    accountUuid: await valueOf(session, "account-uuid"),
    clientId: await valueOf(session, "client-id"),
    clientSecret: await valueOf(session, "client-secret"),
    environmentUrl: await valueOf(session, "environment-url"),
  };
  // The backend supplies the sandbox values, so wait until the form contains them.
  await session.waitUntil("the form to hold the sandbox client secret", async () => {
    connection.clientSecret = await valueOf(session, "client-secret");
    return connection.clientSecret.length > 0;
  });
  return connection;
}

/** Saves the profile and tests the connection; returns the connection report's text. */
export async function saveAndTest(session) {
  await click(session, "save-test");
  const report = await session.waitFor(byTestId("connection-report"));
  return report.text();
}

/** Goes on to the create step, picks a preset, names the token and creates it. */
export async function createFromPreset(session, { presetId, name }) {
  await click(session, "next");
  await click(session, `preset-${presetId}`);
  await replaceText(session, "token-name", name);
  await click(session, "expiry-14", { displayed: false });
  await click(session, "create-token");
  const tokenId = await session.waitFor(byTestId("token-id"));
  return (await tokenId.text()).trim();
}

/** Reveals the created token and returns its text. */
export async function revealToken(session) {
  await click(session, "reveal-token");
  return session.waitUntil("the token to be revealed", async () => {
    const element = await session.find(byTestId("token-value"));
    const text = element ? (await element.text()).trim() : "";
    return TOKEN_FORMAT.test(text) ? text : null;
  });
}
