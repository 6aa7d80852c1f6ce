//! The standard seed: fake credentials and IDs every default sandbox starts with.
//!
//! All values are made up for the sandbox and follow the shapes of real Dynatrace credentials,
//! so client-side format checks accept them. They grant nothing outside a sandbox.

/// Account UUID; the SSO accepts `resource=urn:dtaccount:<this>`.
pub const ACCOUNT_UUID: &str = "f4f91527-efef-4ff7-90b4-1e6d09e4f02d";

/// Environment ID in the SaaS shape (three letters, five digits).
pub const ENVIRONMENT_ID: &str = "sbx12345";

/// Email of the service user that the seeded OAuth clients act as.
pub const SERVICE_USER_EMAIL: &str = "token-wizard@service.sandbox.invalid";

/// Email of the user who owns the seeded platform token and API token.
pub const ADMIN_USER_EMAIL: &str = "admin@sandbox.invalid";

/// OAuth client with `environment-api:api-tokens:read`, `environment-api:api-tokens:write` and
/// `environment-api:deployment:download`.
pub const CLIENT_ID: &str = "dt0s02.SBXMAIN1";
pub const CLIENT_SECRET: &str =
    "dt0s02.SBXMAIN1.OCJ9E1DT70H1CUZQ98QHSDSLX65EUYUV9AVJBCXLMWSW1MW4BDIXEKCP1YJ1N7I6";

/// OAuth client with only the older scope names `api-tokens:tokens:read` and
/// `api-tokens:tokens:write`.
pub const LEGACY_CLIENT_ID: &str = "dt0s02.SBXLEGC1";
pub const LEGACY_CLIENT_SECRET: &str =
    "dt0s02.SBXLEGC1.WTX5EEFIP35NRGJ0VMNNURRIFEFVCALA8LA8U4ZNLVJ9B2WBONRC82AJOE4ZGOLZ";

/// OAuth client with only `environment-api:api-tokens:read`.
pub const READ_ONLY_CLIENT_ID: &str = "dt0s02.SBXREAD1";
pub const READ_ONLY_CLIENT_SECRET: &str =
    "dt0s02.SBXREAD1.1KQ57E9I4EMPHH6ZDWHKHM812XN6I3621WFO1XOLLLB5S3AFXH7LCZACGAE18BA4";

/// OAuth client with the same scopes as [`CLIENT_ID`] whose service user's IAM policies deny
/// writes, so creating, updating and deleting tokens fails with 403.
pub const POLICY_DENIED_CLIENT_ID: &str = "dt0s02.SBXDENY1";
pub const POLICY_DENIED_CLIENT_SECRET: &str =
    "dt0s02.SBXDENY1.SYK7NLXGNHE758XAT69M878HW9J2QVLN1G3IKB9BH5778H42VUV77UZ0QWMKVWIO";

/// Platform token (sent as `Authorization: Bearer`) with `environment-api:api-tokens:read` and
/// `environment-api:api-tokens:write`.
pub const PLATFORM_TOKEN: &str =
    "dt0s16.SBXPLAT1.39EFXRICM2Y386I2P3LYTIB1D2LDTMAFF72DSU640DBFKTZ106984OJAYY6V9P66";

/// API token (sent as `Authorization: Api-Token`) with `apiTokens.read` and `apiTokens.write`.
pub const API_TOKEN: &str = "dt0c01.SANDBOXSEEDTOKENAPIWRITE.\
NKVJKSUSQZLU7W3WZXBUHLDR3UDDEVASGY2C5WZQLFIKYMB4IDE3BURWYMWFF45U";

/// Name of the seeded API token.
pub const API_TOKEN_NAME: &str = "sandbox seed token";

/// Scope that allows reading API tokens with an OAuth bearer or platform token.
pub const SCOPE_TOKENS_READ: &str = "environment-api:api-tokens:read";
/// Scope that allows creating, updating and deleting API tokens with a bearer.
pub const SCOPE_TOKENS_WRITE: &str = "environment-api:api-tokens:write";
/// Scope for downloading OneAgent installers with a bearer.
pub const SCOPE_DEPLOYMENT_DOWNLOAD: &str = "environment-api:deployment:download";
/// Older name of [`SCOPE_TOKENS_READ`], still accepted by the token endpoints.
pub const LEGACY_SCOPE_TOKENS_READ: &str = "api-tokens:tokens:read";
/// Older name of [`SCOPE_TOKENS_WRITE`], still accepted by the token endpoints.
pub const LEGACY_SCOPE_TOKENS_WRITE: &str = "api-tokens:tokens:write";
