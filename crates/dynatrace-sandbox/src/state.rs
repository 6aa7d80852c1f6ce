//! State shared by every request of one sandbox.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use url::Url;

use crate::bearers::BearerStore;
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::store::TokenStore;

pub(crate) struct AppState {
    pub config: SandboxConfig,
    /// `http://127.0.0.1:PORT/`.
    pub base_url: Url,
    pub faults: Faults,
    store: Mutex<TokenStore>,
    bearers: Mutex<BearerStore>,
    sso_grants: AtomicU64,
    sso_requests: AtomicU64,
    api_requests: AtomicU64,
}

impl AppState {
    pub fn new(config: SandboxConfig, base_url: Url) -> AppState {
        let store = TokenStore::seeded(&config, Timestamp::now());
        AppState {
            config,
            base_url,
            faults: Faults::default(),
            store: Mutex::new(store),
            bearers: Mutex::new(BearerStore::default()),
            sso_grants: AtomicU64::new(0),
            sso_requests: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
        }
    }

    /// Returns the sandbox to its state at start: seeded tokens, no bearers, no faults, zero
    /// counters.
    pub fn reset(&self) {
        let store = TokenStore::seeded(&self.config, Timestamp::now());
        *self.store() = store;
        *self.bearers() = BearerStore::default();
        self.faults.reset();
        self.sso_grants.store(0, Ordering::Relaxed);
        self.sso_requests.store(0, Ordering::Relaxed);
        self.api_requests.store(0, Ordering::Relaxed);
    }

    pub fn store(&self) -> MutexGuard<'_, TokenStore> {
        // Handlers finish every change to the store before they could panic, so a poisoned lock
        // still guards consistent data.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn bearers(&self) -> MutexGuard<'_, BearerStore> {
        self.bearers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn count_sso_grant(&self) {
        self.sso_grants.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_sso_request(&self) {
        self.sso_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_api_request(&self) {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn sso_grant_count(&self) -> u64 {
        self.sso_grants.load(Ordering::Relaxed)
    }

    pub fn sso_request_count(&self) -> u64 {
        self.sso_requests.load(Ordering::Relaxed)
    }

    pub fn api_request_count(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }
}
