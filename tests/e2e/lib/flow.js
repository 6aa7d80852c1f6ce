// Steps of the wizard shared by the tests and the screenshot script, by data-testid.

export const TOKEN_FORMAT = /^dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/;

export const byTestId = (id) => `[data-testid="${id}"]`;

export async function click(session, testId) {
  const element = await session.waitFor(byTestId(testId));
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
  await click(session, wrongSecret ? "fill-wrong-secret" : "fill-sandbox");
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

/** Picks a preset, names the token and creates it; returns the token ID shown. */
export async function createFromPreset(session, { presetId, name }) {
  await click(session, `preset-${presetId}`);
  await replaceText(session, "token-name", name);
  await click(session, "expiry-14");
  await click(session, "create-token");
  const tokenId = await session.waitFor(byTestId("token-id"));
  return tokenId.text();
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
