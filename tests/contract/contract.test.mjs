// Runs Dynatrace's own npm client (@dynatrace-sdk/client-classic-environment-v2 9.0.1, with
// its OAuth client-credentials HTTP client from @dynatrace-sdk/http-client) against a running
// sandbox. If the sandbox drifted from the real API's paths, parameters, status codes or
// bodies, these calls fail the way they would fail for that client.
//
// Environment: SANDBOX_URL (base URL, for example http://127.0.0.1:40567/) and the seed
// credentials SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_READ_ONLY_CLIENT_ID,
// SANDBOX_READ_ONLY_CLIENT_SECRET and SANDBOX_PLATFORM_TOKEN. The Rust test
// crates/dynatrace-sandbox/tests/contract.rs starts a sandbox and sets them; the binary
// `dynatrace-sandbox` prints the same values in its first output line.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

// The packages ship CommonJS as "main" and no "exports" map, so Node's ESM loader cannot see
// their named exports; require() loads them as Node users of the packages do.
const require = createRequire(import.meta.url);
const { AccessTokensApiTokensClient, ErrorEnvelopeError } = require(
  "@dynatrace-sdk/client-classic-environment-v2",
);
const { _OAuthHttpClient, PlatformHttpClient } = require("@dynatrace-sdk/http-client");
const { isApiGatewayError, isClientRequestError } = require("@dynatrace-sdk/shared-errors");

function requiredEnvironment(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; start a sandbox and pass its base URL and seed values.`);
  }
  return value;
}

const baseUrl = requiredEnvironment("SANDBOX_URL");
const clientId = requiredEnvironment("SANDBOX_CLIENT_ID");
const clientSecret = requiredEnvironment("SANDBOX_CLIENT_SECRET");
const readOnlyClientId = requiredEnvironment("SANDBOX_READ_ONLY_CLIENT_ID");
const readOnlyClientSecret = requiredEnvironment("SANDBOX_READ_ONLY_CLIENT_SECRET");
const platformToken = requiredEnvironment("SANDBOX_PLATFORM_TOKEN");

const READ = "environment-api:api-tokens:read";
const WRITE = "environment-api:api-tokens:write";
const TOKEN_ID = /^dt0c01\.[A-Z2-7]{24}$/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function oauthTokens(id, secret, scopes) {
  const httpClient = new _OAuthHttpClient({
    environmentUrl: baseUrl,
    authUrl: new URL("sso/oauth2/token", baseUrl).toString(),
    clientId: id,
    secret,
    scopes,
  });
  return new AccessTokensApiTokensClient(httpClient);
}

function bearerTokens(bearer) {
  const httpClient = new PlatformHttpClient({
    baseUrl,
    defaultHeaders: { Authorization: `Bearer ${bearer}` },
  });
  return new AccessTokensApiTokensClient(httpClient);
}

async function armFault(fault) {
  const response = await fetch(new URL("__sandbox/faults", baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(fault),
  });
  assert.equal(response.status, 200, await response.text());
}

test("OAuth client creates, lists, gets, updates, looks up and deletes a token", async () => {
  const tokens = oauthTokens(clientId, clientSecret, [READ, WRITE]);

  const created = await tokens.createApiToken({
    body: {
      name: "contract test token",
      scopes: ["metrics.read"],
      expirationDate: "now+14d",
      personalAccessToken: false,
    },
  });
  assert.match(created.id, TOKEN_ID);
  assert.match(created.token, new RegExp(`^${created.id.replace(".", "\\.")}\\.[A-Z2-7]{64}$`));
  assert.match(created.expirationDate, ISO_MILLIS);

  const list = await tokens.listApiTokens({
    pageSize: 100,
    fields: "+scopes,+expirationDate",
    apiTokenSelector: 'scope("metrics.read"),personalAccessToken(false)',
    sort: "-creationDate",
  });
  const listed = list.apiTokens.find((token) => token.id === created.id);
  assert.ok(listed, "the new token is listed");
  assert.deepEqual(listed.scopes, ["metrics.read"]);
  assert.equal(listed.expirationDate, created.expirationDate);
  assert.equal(list.pageSize, 100);
  assert.equal(typeof list.totalCount, "number");

  const fetched = await tokens.getApiToken({ id: created.id });
  assert.equal(fetched.name, "contract test token");
  assert.equal(fetched.enabled, true);
  assert.equal(fetched.personalAccessToken, false);
  assert.ok(fetched.owner.length > 0);
  assert.match(fetched.creationDate, ISO_MILLIS);
  assert.equal(fetched.token, undefined, "the secret is not returned again");

  const updated = await tokens.updateApiToken({
    id: created.id,
    body: { name: "contract test token renamed", scopes: ["metrics.read", "logs.read"] },
  });
  assert.equal(updated, undefined);
  const refetched = await tokens.getApiToken({ id: created.id });
  assert.equal(refetched.name, "contract test token renamed");
  assert.deepEqual(refetched.scopes, ["metrics.read", "logs.read"]);
  assert.match(refetched.modifiedDate, ISO_MILLIS);

  const lookedUp = await tokens.lookupApiToken({ body: { token: created.token } });
  assert.equal(lookedUp.id, created.id);

  await tokens.deleteApiToken({ id: created.id });
  await assert.rejects(tokens.getApiToken({ id: created.id }), (error) => {
    assert.ok(isClientRequestError(error), String(error));
    assert.equal(error.response.status, 404);
    return true;
  });
});

test("nextPageKey pages walk every token once", async () => {
  const tokens = oauthTokens(clientId, clientSecret, [READ]);

  let page = await tokens.listApiTokens({ pageSize: 100 });
  const seen = new Set();
  const totalCount = page.totalCount;
  for (;;) {
    for (const token of page.apiTokens) {
      assert.ok(!seen.has(token.id), `token ${token.id} appears twice`);
      seen.add(token.id);
    }
    if (page.nextPageKey === null || page.nextPageKey === undefined) {
      break;
    }
    page = await tokens.listApiTokens({ nextPageKey: page.nextPageKey });
  }

  assert.equal(seen.size, totalCount);
});

test("validation errors arrive as ErrorEnvelopeError with constraint violations", async () => {
  const tokens = oauthTokens(clientId, clientSecret, [WRITE]);

  await assert.rejects(tokens.createApiToken({ body: { name: "", scopes: [] } }), (error) => {
    assert.ok(error instanceof ErrorEnvelopeError, String(error));
    assert.equal(error.response.status, 400);
    const paths = error.body.error.constraintViolations.map((violation) => violation.path);
    assert.deepEqual(paths, ["name", "scopes"]);
    return true;
  });
});

test("missing scope arrives as an API gateway error naming the scope", async () => {
  const tokens = oauthTokens(readOnlyClientId, readOnlyClientSecret, [READ]);

  await assert.rejects(
    tokens.createApiToken({ body: { name: "denied", scopes: ["metrics.read"] } }),
    (error) => {
      assert.ok(isApiGatewayError(error), String(error));
      assert.equal(error.response.status, 403);
      assert.deepEqual(error.body.error.details.missingScopes, [WRITE]);
      return true;
    },
  );
});

test("rate limit arrives as an API gateway error with retryAfterSeconds", async () => {
  const tokens = oauthTokens(clientId, clientSecret, [READ]);
  await tokens.listApiTokens();
  await armFault({ fault: "rateLimit", target: "tokenApi", count: 1, retryAfterMs: 2000 });

  await assert.rejects(tokens.listApiTokens(), (error) => {
    assert.ok(isApiGatewayError(error), String(error));
    assert.equal(error.response.status, 429);
    assert.equal(error.retryAfterSeconds, 2);
    return true;
  });
  const afterwards = await tokens.listApiTokens();
  assert.ok(afterwards.totalCount >= 1);
});

test("wrong client secret makes the bearer call fail with 401", async () => {
  const tokens = oauthTokens(clientId, `${clientId}.${"A".repeat(64)}`, [READ]);

  await assert.rejects(tokens.listApiTokens(), (error) => {
    assert.ok(isClientRequestError(error), String(error));
    assert.equal(error.response.status, 401);
    return true;
  });
});

test("plain bearer client with a platform token creates and deletes", async () => {
  const tokens = bearerTokens(platformToken);

  const created = await tokens.createApiToken({
    body: { name: "platform token contract", scopes: ["logs.ingest"] },
  });
  assert.match(created.id, TOKEN_ID);
  assert.equal(created.expirationDate, undefined, "no expiry was requested");

  const fetched = await tokens.getApiToken({ id: created.id });
  assert.equal(fetched.name, "platform token contract");
  await tokens.deleteApiToken({ id: created.id });
  await assert.rejects(tokens.deleteApiToken({ id: created.id }), (error) => {
    assert.equal(error.response.status, 404);
    return true;
  });
});
