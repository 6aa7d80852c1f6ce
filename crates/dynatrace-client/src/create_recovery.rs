//! Recovery of a create whose outcome is unknown: finding the token it may have created.

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
/// Allowance for clock differences when comparing creation dates with the attempt's start.
const RECOVERY_CLOCK_ALLOWANCE: Duration = Duration::from_secs(60);

impl TokenApi {
    /// Looks for the token a failed create may have made and returns the error to report:
    /// `CreatedNotDelivered` with its ID when one was found, else `original` with a sentence
    /// saying whether trying again is safe.
    pub(crate) async fn recover_create(
        &self,
        base: &Url,
        request: &CreateApiToken,
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

        let mut found = self
            .find_created_since(name, request.personal_access_token, since)
            .await;
        // A timeout may end while the server still applies the create: look once more.
        if matches!(&found, Ok(matches) if matches.is_empty())
            && original.code == ErrorCode::Timeout
        {
            tokio::time::sleep(Duration::from_secs(2)).await;
            found = self
                .find_created_since(name, request.personal_access_token, since)
                .await;
        }

        match found {
            Ok(matches) if !matches.is_empty() => {
                let newest = &matches[0];
                let id = newest.id.clone().unwrap_or_default();
                let others = if matches.len() > 1 {
                    format!(
                        " {} tokens with this name were created in that time.",
                        matches.len()
                    )
                } else {
                    String::new()
                };
                tracing::warn!(token_id = %id, "token was created but its response was lost");
                let mut error = Error::new(
                    ErrorCode::CreatedNotDelivered,
                    format!(
                        "The token \"{name}\" was created as {id}, but the response with its \
                         secret was lost ({}). The secret cannot be shown again: delete this \
                         token and create a new one.{others}",
                        original.message
                    ),
                )
                .with_token_id(id);
                error.host = original.host.clone();
                error.status = original.status;
                error.detail = original.detail.clone();
                error
            }
            Ok(_) => {
                let mut error = original;
                error.message = scrub(&format!(
                    "{} No token named \"{name}\" was created, so trying again is safe.",
                    error.message
                ));
                error
            }
            Err(lookup) => {
                let mut error = original;
                error.message = scrub(&format!(
                    "{} Whether the token was created could not be checked ({}); look for a \
                     token named \"{name}\" under Access tokens before trying again.",
                    error.message, lookup.message
                ));
                error
            }
        }
    }

    /// Tokens named `name` created at or after `since`, newest first.
    async fn find_created_since(
        &self,
        name: &str,
        personal: bool,
        since: jiff::Timestamp,
    ) -> Result<Vec<ApiToken>, Error> {
        let query = ListQuery {
            page_size: Some(RECOVERY_PAGE_SIZE),
            fields: Some("+creationDate,+personalAccessToken".to_string()),
            api_token_selector: Some(format!("personalAccessToken({personal})")),
            sort: Some("-creationDate".to_string()),
            from: None,
            to: None,
        };
        let mut matches = Vec::new();
        let mut page_key: Option<String> = None;
        for _ in 0..RECOVERY_MAX_PAGES {
            let page = self.list_page(&query, page_key.as_deref()).await?;
            let mut older_seen = false;
            for token in page.api_tokens {
                match token.creation_date {
                    Some(created) if created < since => older_seen = true,
                    // Tokens without a creation date cannot be ruled out by age.
                    // NOTE: a token with the same name that someone else created inside the
                    // window (clock allowance included) is taken for ours; the error names its
                    // ID and how many matched, so the user can check before deleting.
                    _ => {
                        if token.name.as_deref().map(str::trim) == Some(name) {
                            matches.push(token);
                        }
                    }
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
