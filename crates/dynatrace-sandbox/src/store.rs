//! In-memory store of API tokens.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use crate::config::SandboxConfig;
use crate::token_format::{self, generate_api_token};

/// One stored API token, including its secret so lookups and `Api-Token` authentication work.
#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub id: String,
    /// The full token. Never logged and never returned after the create response.
    pub token: String,
    pub name: String,
    pub enabled: bool,
    pub owner: String,
    pub creation_date: Timestamp,
    pub expiration_date: Option<Timestamp>,
    pub last_used_date: Option<Timestamp>,
    pub last_used_ip_address: Option<String>,
    pub modified_date: Option<Timestamp>,
    pub personal_access_token: bool,
    pub scopes: Vec<String>,
    /// Insertion order; breaks ties when sorting so pages are stable.
    pub sequence: u64,
}

impl TokenRecord {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expiration_date
            .is_some_and(|expiration| expiration <= now)
    }
}

/// Fields of a new token; the store assigns the sequence number.
pub(crate) struct NewToken {
    pub id: String,
    pub token: String,
    pub name: String,
    pub owner: String,
    pub scopes: Vec<String>,
    pub personal_access_token: bool,
    pub creation_date: Timestamp,
    pub expiration_date: Option<Timestamp>,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: HashMap<String, TokenRecord>,
    next_sequence: u64,
}

impl TokenStore {
    /// Builds the store a sandbox starts with: the seeded API tokens, then the preloaded ones.
    pub fn seeded(config: &SandboxConfig, now: Timestamp) -> TokenStore {
        let mut store = TokenStore::default();
        store
            .tokens
            .reserve(config.api_tokens.len() + config.preloaded_tokens);

        for seed in &config.api_tokens {
            let id = token_format::api_token_id(&seed.token)
                .unwrap_or_else(|| panic!("seeded API token has an invalid format: {}", seed.name));
            store.insert(NewToken {
                id: id.to_owned(),
                token: seed.token.clone(),
                name: seed.name.clone(),
                owner: seed.owner.clone(),
                scopes: seed.scopes.clone(),
                personal_access_token: false,
                creation_date: now,
                expiration_date: seed.expiration_date.map(crate::dates::truncate_to_millis),
            });
            if !seed.enabled {
                store.get_mut(id).expect("token was just inserted").enabled = false;
            }
        }

        store.preload(config.preloaded_tokens, now);
        store
    }

    /// Creates `count` varied tokens, one minute apart in creation time, ending before `now`.
    ///
    /// Every seventh is a personal access token, every fifth expires in 30 days, every third
    /// was last used halfway between its creation and now, so selectors, sorting and the last-used window
    /// have something to work on.
    fn preload(&mut self, count: usize, now: Timestamp) {
        let mut rng = rand::rng();
        for index in 0..count {
            let age_minutes = i64::try_from(count - index).unwrap_or(i64::MAX);
            let creation_date = now - SignedDuration::from_mins(age_minutes);
            let generated = generate_api_token(&mut rng);
            let scopes = if index % 2 == 0 {
                vec!["metrics.read".to_owned()]
            } else {
                vec!["metrics.ingest".to_owned(), "logs.ingest".to_owned()]
            };
            let expiration_date =
                (index % 5 == 0).then(|| now + SignedDuration::from_hours(24 * 30));

            let id = generated.id.clone();
            self.insert(NewToken {
                id: generated.id,
                token: generated.token,
                name: format!("preloaded token {:05}", index + 1),
                owner: crate::seed::ADMIN_USER_EMAIL.to_owned(),
                scopes,
                personal_access_token: index % 7 == 0,
                creation_date,
                expiration_date,
            });
            if index % 3 == 0 {
                let record = self.tokens.get_mut(&id).expect("token was just inserted");
                // Halfway between creation and now, so it is always in the past.
                let half_age = SignedDuration::from_secs(age_minutes.saturating_mul(30));
                record.last_used_date = Some(creation_date + half_age);
                record.last_used_ip_address = Some("127.0.0.1".to_owned());
            }
        }
    }

    pub fn insert(&mut self, new: NewToken) -> &TokenRecord {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let record = TokenRecord {
            id: new.id.clone(),
            token: new.token,
            name: new.name,
            enabled: true,
            owner: new.owner,
            creation_date: new.creation_date,
            expiration_date: new.expiration_date,
            last_used_date: None,
            last_used_ip_address: None,
            modified_date: None,
            personal_access_token: new.personal_access_token,
            scopes: new.scopes,
            sequence,
        };
        self.tokens.entry(new.id).insert_entry(record).into_mut()
    }

    pub fn get(&self, id: &str) -> Option<&TokenRecord> {
        self.tokens.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut TokenRecord> {
        self.tokens.get_mut(id)
    }

    pub fn remove(&mut self, id: &str) -> Option<TokenRecord> {
        self.tokens.remove(id)
    }

    /// Returns the record whose full token is `token`, if the ID exists and the secret matches.
    pub fn find_by_token(&self, token: &str) -> Option<&TokenRecord> {
        let id = token_format::api_token_id(token)?;
        self.tokens.get(id).filter(|record| record.token == token)
    }

    pub fn records(&self) -> impl Iterator<Item = &TokenRecord> {
        self.tokens.values()
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Returns the names of all tokens in creation order.
    pub fn names(&self) -> Vec<String> {
        let mut records: Vec<&TokenRecord> = self.tokens.values().collect();
        records.sort_by_key(|record| record.sequence);
        records
            .into_iter()
            .map(|record| record.name.clone())
            .collect()
    }
}
