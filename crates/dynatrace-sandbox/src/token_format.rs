//! The `dt0c01.<public>.<secret>` API token format and random credential strings.

use rand::Rng;

/// Prefix of API tokens and of their IDs.
pub(crate) const API_TOKEN_PREFIX: &str = "dt0c01";

const PUBLIC_PART_LEN: usize = 24;
const SECRET_PART_LEN: usize = 64;

/// RFC 4648 base32 alphabet, the characters of both token parts.
const BASE32_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const OPAQUE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A newly generated API token: its ID and the full token including the secret part.
pub(crate) struct GeneratedToken {
    pub id: String,
    pub token: String,
}

/// Generates a token `dt0c01.<24 base32>.<64 base32>`.
pub(crate) fn generate_api_token(rng: &mut impl Rng) -> GeneratedToken {
    let public = random_string(rng, BASE32_ALPHABET, PUBLIC_PART_LEN);
    let secret = random_string(rng, BASE32_ALPHABET, SECRET_PART_LEN);
    let id = format!("{API_TOKEN_PREFIX}.{public}");
    let token = format!("{id}.{secret}");
    GeneratedToken { id, token }
}

/// Returns the ID (`dt0c01.<public>`) of a well-formed API token, or `None`.
pub(crate) fn api_token_id(token: &str) -> Option<&str> {
    let (id, secret) = token.rsplit_once('.')?;
    (is_api_token_id(id) && is_base32(secret, SECRET_PART_LEN)).then_some(id)
}

/// Checks the `dt0c01.<24 base32>` shape of a token ID.
pub(crate) fn is_api_token_id(id: &str) -> bool {
    match id.split_once('.') {
        Some((prefix, public)) => prefix == API_TOKEN_PREFIX && is_base32(public, PUBLIC_PART_LEN),
        None => false,
    }
}

/// Generates an opaque string of ASCII letters and digits, used for bearers.
pub(crate) fn random_opaque(rng: &mut impl Rng, len: usize) -> String {
    random_string(rng, OPAQUE_ALPHABET, len)
}

fn random_string(rng: &mut impl Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

fn is_base32(part: &str, len: usize) -> bool {
    part.len() == len && part.bytes().all(|byte| BASE32_ALPHABET.contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_token_has_real_shape() {
        let generated = generate_api_token(&mut rand::rng());

        assert_eq!(api_token_id(&generated.token), Some(generated.id.as_str()));
        assert_eq!(generated.token.len(), 6 + 1 + 24 + 1 + 64);
    }

    #[test]
    fn seed_api_token_is_well_formed() {
        assert_eq!(
            api_token_id(crate::seed::API_TOKEN),
            Some("dt0c01.SANDBOXSEEDTOKENAPIWRITE")
        );
    }

    #[test]
    fn malformed_tokens_have_no_id() {
        for token in [
            "",
            "dt0c01",
            "dt0c01.SANDBOXSEEDTOKENAPIWRITE",
            "dt0s16.SANDBOXSEEDTOKENAPIWRITE.NKVJKSUSQZLU7W3WZXBUHLDR3UDDEVASGY2C5WZQLFIKYMB4IDE3BURWYMWFF45U",
            "dt0c01.sandboxseedtokenapiwrite.NKVJKSUSQZLU7W3WZXBUHLDR3UDDEVASGY2C5WZQLFIKYMB4IDE3BURWYMWFF45U",
            "dt0c01.SANDBOXSEEDTOKENAPIWRITE.NKVJ",
        ] {
            assert_eq!(api_token_id(token), None, "{token:?}");
        }
    }
}
