//! The connection check: which scopes the credentials hold, whether listing works, and what
//! the user should know about clocks and proxies.

use std::collections::BTreeSet;

use secrecy::SecretString;
use url::Url;

use crate::api_token_types::{ConnectionReport, ListQuery, ScopeFamily};
use crate::api_tokens::{Access, TokenApi};
use crate::credentials::{Credentials, OAuthClient};
use crate::error::{Error, ErrorCode};
use crate::proxy::proxy_warning;
use crate::transport::{CLOCK_SKEW_WARNING_SECS, host_label};

/// Tokens read by the connection check; duplicate names are looked for among these, the newest.
const DUPLICATE_CHECK_PAGE: u32 = 100;

/// Builds a warning naming token names used more than once among `tokens`.
fn duplicate_name_warning(tokens: &[crate::ApiToken]) -> Option<String> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for name in tokens.iter().filter_map(|token| token.name.as_deref()) {
        *counts.entry(name).or_default() += 1;
    }
    let duplicates: Vec<String> = counts
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(name, count)| format!("\"{name}\" ({count} tokens)"))
        .collect();
    if duplicates.is_empty() {
        return None;
    }
    Some(format!(
        "Several tokens share a name among the {DUPLICATE_CHECK_PAGE} newest: {}. Names are not \
         unique in Dynatrace, so tell tokens apart by their ID before deleting one.",
        duplicates.join(", ")
    ))
}

/// Permissions of the OAuth client, as SSO grants them.
struct OAuthCapabilities {
    family: ScopeFamily,
    granted: BTreeSet<String>,
    can_read: bool,
    can_write: bool,
    sso_origin: Url,
}

async fn oauth_capabilities(
    api: &TokenApi,
    client: &OAuthClient,
) -> Result<OAuthCapabilities, Error> {
    let inner = &api.client.inner;
    let sso_origin = inner.sso_origin_for(&api.environment).await;
    for family in ScopeFamily::ALL {
        let mut granted = BTreeSet::new();
        let mut allowed = [false, false];
        for (index, scope) in [family.read_scope(), family.write_scope()]
            .into_iter()
            .enumerate()
        {
            match inner.bearer(&sso_origin, client, &[scope]).await {
                Ok(bearer) => {
                    allowed[index] = true;
                    granted.extend(bearer.granted_scopes);
                }
                Err(error) if error.code == ErrorCode::OauthInvalidScope => {}
                Err(error) => return Err(error),
            }
        }
        if allowed.iter().any(|allowed| *allowed) {
            *api.family.lock().expect("scope family lock") = Some(family);
            return Ok(OAuthCapabilities {
                family,
                granted,
                can_read: allowed[0],
                can_write: allowed[1],
                sso_origin,
            });
        }
    }
    // Neither family is granted: let the regular path build the error that names both.
    match api.oauth_bearer(client, Access::Read).await {
        Err(error) => Err(error),
        Ok(_) => Err(Error::new(
            ErrorCode::OauthInvalidScope,
            "SSO granted the token scopes only on a second request; run the check again.",
        )),
    }
}

fn clock_warning(api: &TokenApi, url: &Url) -> Option<String> {
    let host = host_label(url);
    let skew = api.client.inner.clock_skew_of(&host)?;
    if skew.abs() < CLOCK_SKEW_WARNING_SECS {
        return None;
    }
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    Some(format!(
        "The clock of {host} is about {} minutes {direction} this computer's clock. Sign-in \
         still works because bearers are timed locally, but token dates may look wrong: let \
         this computer set its clock automatically.",
        (skew.abs() + 30) / 60
    ))
}

pub(crate) async fn check_connection(api: &TokenApi) -> Result<ConnectionReport, Error> {
    let base = api.api_base()?;
    let auth = api.credentials.kind();
    let mut warnings = Vec::new();

    let (scope_family, mut granted, can_read, can_write, sso_origin) =
        match api.credentials.as_ref() {
            Credentials::OAuth(client) => {
                let capabilities = oauth_capabilities(api, client)
                    .await
                    .map_err(|error| error.redact_values(&api.credentials.secret_values()))?;
                if !capabilities.can_write {
                    warnings.push(format!(
                        "The OAuth client can read tokens but not create them: it lacks {}.",
                        capabilities.family.write_scope()
                    ));
                }
                (
                    Some(capabilities.family),
                    capabilities.granted.into_iter().collect::<Vec<_>>(),
                    capabilities.can_read,
                    capabilities.can_write,
                    Some(capabilities.sso_origin),
                )
            }
            Credentials::PlatformToken(_) => {
                warnings.push(
                    "Whether the platform token may create tokens shows only when one is created."
                        .to_string(),
                );
                (None, Vec::new(), true, true, None)
            }
            Credentials::ApiToken(token) => {
                let (granted, can_read, can_write) =
                    api_token_scopes(api, token, &mut warnings).await?;
                (None, granted, can_read, can_write, None)
            }
        };

    let mut token_count = 0;
    if can_read {
        let query = ListQuery {
            page_size: Some(DUPLICATE_CHECK_PAGE),
            ..ListQuery::default()
        };
        let page = api.list_page(&query, None).await?;
        token_count = page.total_count;
        warnings.extend(duplicate_name_warning(&page.api_tokens));
    }
    granted.sort();
    granted.dedup();

    for url in std::iter::once(&base).chain(sso_origin.as_ref()) {
        warnings.extend(clock_warning(api, url));
        warnings.extend(proxy_warning(url));
    }
    // Local environments serve the API and SSO on one host, which would repeat its warnings.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|warning| seen.insert(warning.clone()));
    for warning in &warnings {
        tracing::warn!(warning = %warning, "connection check");
    }

    Ok(ConnectionReport {
        auth_kind: auth,
        scope_family,
        granted_scopes: granted,
        can_read,
        can_write,
        token_count,
        api_base: base,
        sso_origin,
        warnings,
    })
}

/// Scopes of the API token used for authentication, from a lookup of its own secret.
async fn api_token_scopes(
    api: &TokenApi,
    token: &SecretString,
    warnings: &mut Vec<String>,
) -> Result<(Vec<String>, bool, bool), Error> {
    match api.lookup(token).await {
        Ok(own) => {
            let scopes = own.scopes.unwrap_or_default();
            let can_read = scopes.iter().any(|scope| scope == "apiTokens.read");
            let can_write = scopes.iter().any(|scope| scope == "apiTokens.write");
            if !can_write {
                warnings.push(
                    "The API token lacks the apiTokens.write scope, so it cannot create tokens."
                        .to_string(),
                );
            }
            Ok((scopes, can_read, can_write))
        }
        Err(error) if error.code == ErrorCode::ForbiddenMissingScope => {
            warnings.push(
                "The API token lacks apiTokens.read, so its scopes and the token list cannot be \
                 read; creating tokens may still work."
                    .to_string(),
            );
            Ok((Vec::new(), false, true))
        }
        Err(error) => Err(error),
    }
}
