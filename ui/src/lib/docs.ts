// Dynatrace pages the app links to, and the one-sentence explanation of each concept the
// walkthrough uses. `open_external` in the backend opens only https URLs on docs.dynatrace.com,
// myaccount.dynatrace.com, community.dynatrace.com and www.dynatrace.com.

export const ACCOUNT_MANAGEMENT_URL = "https://myaccount.dynatrace.com";

const IAM_DOCS = "https://docs.dynatrace.com/docs/manage/identity-access-management";
const TOKEN_DOCS = `${IAM_DOCS}/access-tokens-and-oauth-clients`;

export const DOCS = {
  serviceUser: `${IAM_DOCS}/user-and-group-management/access-service-users`,
  group: `${IAM_DOCS}/permission-management/manage-user-permissions-policies/iam-group-mgt`,
  oauthClient: `${TOKEN_DOCS}/oauth-clients`,
  accessTokens: `${TOKEN_DOCS}/access-tokens`,
  personalAccessToken: `${TOKEN_DOCS}/access-tokens/personal-access-token`,
  platformToken: `${TOKEN_DOCS}/platform-tokens`,
  accountsAndEnvironments:
    "https://docs.dynatrace.com/docs/manage/account-management/accounts-environments",
} as const;

export type ConceptId =
  | "serviceUser"
  | "group"
  | "oauthClient"
  | "scope"
  | "accountUuid"
  | "environmentUrl"
  | "apiToken"
  | "personalAccessToken"
  | "platformToken";

export type Concept = { term: string; sentence: string; docsUrl: string };

export const CONCEPTS: Record<ConceptId, Concept> = {
  serviceUser: {
    term: "Service user",
    sentence:
      "A user account for machines, not people: the OAuth client acts as this user, so its " +
      "rights do not depend on any colleague's account.",
    docsUrl: DOCS.serviceUser,
  },
  group: {
    term: "Group",
    sentence:
      "Permissions in Dynatrace are granted to groups through policies; the service user gets " +
      "them by being a member.",
    docsUrl: DOCS.group,
  },
  oauthClient: {
    term: "OAuth client",
    sentence:
      "A client ID and secret that sign in as the service user; its scopes limit what the app " +
      "may ask Dynatrace to do.",
    docsUrl: DOCS.oauthClient,
  },
  scope: {
    term: "Scope",
    sentence:
      "One permission of a token, such as reading metrics or downloading installers; give a " +
      "token only the scopes its job needs.",
    docsUrl: DOCS.accessTokens,
  },
  accountUuid: {
    term: "Account UUID",
    sentence:
      "The ID of your Dynatrace account; Account Management shows it on the OAuth clients page " +
      "while you create a client.",
    docsUrl: DOCS.accountsAndEnvironments,
  },
  environmentUrl: {
    term: "Environment URL",
    sentence:
      "The address of one Dynatrace environment, such as https://abc12345.apps.dynatrace.com; " +
      "pasting the address from your browser is fine.",
    docsUrl: DOCS.accountsAndEnvironments,
  },
  apiToken: {
    term: "API token",
    sentence:
      "Belongs to the environment rather than a person, so automation keeps working when " +
      "people leave; this is the usual choice.",
    docsUrl: DOCS.accessTokens,
  },
  personalAccessToken: {
    term: "Personal access token",
    sentence:
      "Belongs to the user who creates it (here the service user) and can never do more than " +
      "that user's permissions allow.",
    docsUrl: DOCS.personalAccessToken,
  },
  platformToken: {
    term: "Platform token",
    sentence:
      "A long-lived dt0s16 token that a user creates in Account Management and that Dynatrace " +
      "now recommends over classic access tokens.",
    docsUrl: DOCS.platformToken,
  },
};

/** Scopes the OAuth client needs, in the order Account Management lists them. */
export const OAUTH_CLIENT_SCOPES = [
  "environment-api:api-tokens:write",
  "environment-api:api-tokens:read",
  "environment-api:deployment:download",
] as const;
