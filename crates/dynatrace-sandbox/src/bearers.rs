//! Bearers issued by the SSO, with their grants and monotonic expiry.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What a bearer allows, as granted by the SSO.
const EXPIRED_BEARER_MEMORY: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub(crate) struct BearerGrant {
    pub client_id: String,
    /// Email of the OAuth client's service user.
    pub subject: String,
    pub scopes: Vec<String>,
    pub policy_denies_writes: bool,
    pub expires_at: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct BearerStore {
    grants: HashMap<String, BearerGrant>,
}

impl BearerStore {
    pub fn insert(&mut self, bearer: String, grant: BearerGrant) {
        // Expired bearers stay known for a while so a late request gets "expired", not "unknown".
        let now = Instant::now();
        self.grants
            .retain(|_, grant| grant.expires_at + EXPIRED_BEARER_MEMORY > now);
        self.grants.insert(bearer, grant);
    }

    /// Returns the grant of `bearer` unless it is unknown or expired.
    pub fn find(&self, bearer: &str) -> Option<&BearerGrant> {
        self.grants
            .get(bearer)
            .filter(|grant| grant.expires_at > Instant::now())
    }

    /// Returns whether `bearer` was issued but has expired.
    pub fn is_expired(&self, bearer: &str) -> bool {
        self.grants
            .get(bearer)
            .is_some_and(|grant| grant.expires_at <= Instant::now())
    }
}

/// Computes the expiry instant of a bearer issued now.
pub(crate) fn expiry_from_now(lifetime: Duration) -> Instant {
    Instant::now() + lifetime
}
