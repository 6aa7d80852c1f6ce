//! Recovery of a create whose outcome is unknown: finding the token it may have created.

use std::collections::HashSet;
use std::time::Duration;

use url::Url;

use crate::api_token_types::{ApiToken, CreateApiToken, ListQuery};
use crate::api_tokens::TokenApi;
use crate::error::{Error, ErrorCode};
use crate::redact::scrub;
use crate::transport::host_label;

/// Tokens read per page while looking for a token whose create response was lost.
const RECOVERY_PAGE_SIZE: u32 = 1_000;
/// Pages read at most while looking for it; the newest tokens come first.
const RECOVERY_MAX_PAGES: usize = 20;
/// Fields read for each token while recovering: enough to tell the user whose token it is.
const RECOVERY_FIELDS: &str = "+creationDate,+owner,+personalAccessToken";
/// Allowance for clock differences when comparing creation dates with the attempt's start.
const RECOVERY_CLOCK_ALLOWANCE: Duration = Duration::from_secs(60);

impl TokenApi {
    /// Reads the IDs of the tokens named like `request` that exist before the create is sent,
    /// from the newest page of tokens. Recovery never adopts one of them.
    ///
    /// Returns `None` when the list cannot be read: the create goes ahead, and recovery then
    /// reports candidates without naming one as the lost token.
    pub(crate) async fn same_name_before_create(
        &self,
        request: &CreateApiToken,
    ) -> Option<HashSet<String>> {
        let name = request.name.trim();
        let query = recovery_query(request.personal_access_token);
        match self.list_page(&query, None).await {
            Ok(page) => Some(
                page.api_tokens
                    .into_iter()
                    .filter(|token| token.name.as_deref().map(str::trim) == Some(name))
                    .filter_map(|token| token.id)
                    .collect(),
            ),
            Err(error) => {
                tracing::warn!(
                    error_code = ?error.code,
                    "could not list tokens before the create; a lost create will be reported \
                     without a token ID"
                );
                None
            }
        }
    }

    /// Looks for the token a failed create may have made and returns the error to report.
    ///
    /// `existing` contains the IDs of same-name tokens listed before the create (`None` when that
    /// list failed). Exactly one new token gives `CreatedNotDelivered` with its ID. Several, or
    /// any when `existing` is unknown, give `CreatedNotDelivered` without an ID and list them.
    /// None gives `original` with a sentence on what to check before trying again.
    pub(crate) async fn recover_create(
        &self,
        base: &Url,
        request: &CreateApiToken,
        existing: Option<&HashSet<String>>,
        started: jiff::Timestamp,
        original: Error,
    ) -> Error {
        let name = request.name.trim();
        tracing::warn!(
            error_code = ?original.code,
            "create outcome unknown; looking for a token created since the attempt"
        );
        let skew = self
            .client
            .inner
            .clock_skew_of(&host_label(base))
            .unwrap_or(0)
            .unsigned_abs();
        let allowance = RECOVERY_CLOCK_ALLOWANCE + Duration::from_secs(skew);
        let since = started
            .checked_sub(jiff::SignedDuration::try_from(allowance).unwrap_or_default())
            .unwrap_or(started);

        let find = || async {
            self.find_created_since(name, request.personal_access_token, since)
                .await
                .map(|found| {
                    found
                        .into_iter()
                        .filter(|token| {
                            let id = token.id.as_deref().unwrap_or_default();
                            !id.is_empty() && existing.is_none_or(|known| !known.contains(id))
                        })
                        .collect::<Vec<_>>()
                })
        };
        let mut found = find().await;
        // A timeout may end while the server still applies the create: look once more.
        if matches!(&found, Ok(matches) if matches.is_empty())
            && original.code == ErrorCode::Timeout
        {
            tokio::time::sleep(Duration::from_secs(2)).await;
            found = find().await;
        }

        match found {
            Ok(matches) if !matches.is_empty() => {
                let cause = without_retry_advice(&original.message);
                let cause = cause.trim_end_matches(['.', ' ']);
                let mut error = match (existing, matches.as_slice()) {
                    (Some(_), [token]) => {
                        let id = token.id.clone().unwrap_or_default();
                        tracing::warn!(token_id = %id, "token was created but its response was lost");
                        Error::new(
                            ErrorCode::CreatedNotDelivered,
                            format!(
                                "The token \"{name}\" was created as {}, but the response with \
                                 its secret was lost ({cause}). The secret cannot be shown again: \
                                 delete this token and create a new one.",
                                describe(token)
                            ),
                        )
                        .with_token_id(id)
                    }
                    (known, _) => {
                        let listed = matches.iter().map(describe).collect::<Vec<_>>().join("; ");
                        let intro = if known.is_some() {
                            format!("{} tokens named \"{name}\" appeared", matches.len())
                        } else {
                            format!(
                                "The tokens could not be listed before the create, so which \
                                 token named \"{name}\" is new is unknown. Found"
                            )
                        };
                        tracing::warn!(
                            candidates = matches.len(),
                            "a lost create may have made one of several tokens"
                        );
                        Error::new(
                            ErrorCode::CreatedNotDelivered,
                            format!(
                                "The response to the create was lost ({cause}). {intro} since the \
                                 attempt: {listed}. One of them may be someone else's. Check them \
                                 under Access tokens in Dynatrace before revoking any, then create \
                                 a new token."
                            ),
                        )
                    }
                };
                error.host = original.host.clone();
                error.status = original.status;
                error.detail = original.detail.clone();
                error
            }
            Ok(_) => {
                let mut error = original;
                error.message = scrub(&format!(
                    "{} No token named \"{name}\" was found yet, but a slow server can still \
                     apply the create. Check the token list under Access tokens in Dynatrace, \
                     or wait a minute and check again, before trying again.",
                    without_retry_advice(&error.message)
                ));
                error
            }
            Err(lookup) => {
                let mut error = original;
                error.message = scrub(&format!(
                    "{} Whether the token was created could not be checked ({}); look for a \
                     token named \"{name}\" under Access tokens before trying again.",
                    without_retry_advice(&error.message),
                    lookup.message
                ));
                error
            }
        }
    }

    /// Tokens named `name` created at or after `since`, newest first. Tokens without a
    /// creation date are never taken.
    async fn find_created_since(
        &self,
        name: &str,
        personal: bool,
        since: jiff::Timestamp,
    ) -> Result<Vec<ApiToken>, Error> {
        let query = recovery_query(personal);
        let mut matches = Vec::new();
        let mut page_key: Option<String> = None;
        for _ in 0..RECOVERY_MAX_PAGES {
            let page = self.list_page(&query, page_key.as_deref()).await?;
            let mut older_seen = false;
            for token in page.api_tokens {
                match token.creation_date {
                    Some(created) if created < since => older_seen = true,
                    Some(_) if token.name.as_deref().map(str::trim) == Some(name) => {
                        matches.push(token);
                    }
                    _ => {}
                }
            }
            match page.next_page_key {
                Some(key) if !older_seen => page_key = Some(key),
                _ => break,
            }
        }
        matches.sort_by_key(|token| std::cmp::Reverse(token.creation_date));
        Ok(matches)
    }
}

/// Removes a closing "try again" from a transport message, because after a create whose outcome
/// is unknown the advice that follows it names what to check first.
fn without_retry_advice(message: &str) -> String {
    let trimmed = message.trim_end();
    for ending in [", then try again.", "; try again.", " Try again."] {
        if let Some(start) = trimmed.strip_suffix(ending) {
            return format!("{start}.");
        }
    }
    trimmed.to_string()
}

/// Builds the list query for recovery: newest tokens first, with owner and creation date.
fn recovery_query(personal: bool) -> ListQuery {
    ListQuery {
        page_size: Some(RECOVERY_PAGE_SIZE),
        fields: Some(RECOVERY_FIELDS.to_string()),
        api_token_selector: Some(format!("personalAccessToken({personal})")),
        sort: Some("-creationDate".to_string()),
        from: None,
        to: None,
    }
}

/// Formats a token as "ID (owner …, created …)" for a recovery message.
fn describe(token: &ApiToken) -> String {
    let id = token.id.as_deref().unwrap_or("(no ID)");
    let owner = token.owner.as_deref().unwrap_or("unknown");
    match token.creation_date {
        Some(created) => format!("{id} (owner {owner}, created {created})"),
        None => format!("{id} (owner {owner})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_advice_is_removed() {
        let cases = [
            (
                "h did not answer within 1 s. Check the network, then try again.",
                "h did not answer within 1 s. Check the network.",
            ),
            ("It was cut off; try again.", "It was cut off."),
            ("Nothing to remove.", "Nothing to remove."),
        ];
        for (message, expected) in cases {
            assert_eq!(without_retry_advice(message), expected);
        }
    }
}
