//! The settings that decide how hard a stolen database or a guessed key is to use: the signing
//! key and the password hash's cost. Production refuses weak values, saying why.

use secrecy::SecretString;
use yoshikosan_security::MIN_SECRET_BYTES;

use super::vars::number;

/// bcrypt's work factor below which production refuses to start: each step halves how many
/// guesses per second a leaked hash allows.
pub(super) const MIN_PRODUCTION_BCRYPT_COST: u32 = 10;

pub(super) fn secret_key(value: Option<&str>, production: bool) -> Result<(SecretString, bool), String> {
    match value {
        Some(key) if key.len() >= MIN_SECRET_BYTES => Ok((SecretString::from(key), false)),
        Some(key) if production => Err(format!(
            "SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes in production, not {} (a short key can be guessed \
             offline from one token; `openssl rand -hex 32` gives 64)",
            key.len()
        )),
        Some(key) => Ok((SecretString::from(key), false)),
        None if production => Err(format!(
            "SECRET_KEY is required in production (at least {MIN_SECRET_BYTES} bytes; generate one with `openssl rand -hex 32`)"
        )),
        None => {
            let random: [u8; 32] = rand::random();
            let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
            Ok((SecretString::from(hex), true))
        }
    }
}

/// 4 to 31 (bcrypt's own bounds); development may go as low as 4 for quick tests.
pub(super) fn bcrypt_cost(value: Option<&str>, production: bool) -> Result<u32, String> {
    let cost = number("BCRYPT_COST", value, 12u32, 4..=31)?;
    if production && cost < MIN_PRODUCTION_BCRYPT_COST {
        return Err(format!(
            "BCRYPT_COST must be at least {MIN_PRODUCTION_BCRYPT_COST} in production, not {cost} (below that a leaked \
             password hash is cheap to crack; 12, the default, costs about 0.25 s per sign-in)"
        ));
    }
    Ok(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cheap_cost_is_refused_in_production_saying_why() {
        let error = bcrypt_cost(Some("4"), true).unwrap_err();
        assert!(error.contains("at least 10 in production, not 4"), "{error}");
        assert_eq!(bcrypt_cost(Some("4"), false), Ok(4));
        assert_eq!(bcrypt_cost(None, true), Ok(12));
        assert!(bcrypt_cost(Some("3"), false).unwrap_err().contains("from 4 to 31"));
    }

    #[test]
    fn a_short_key_is_refused_in_production_with_its_length() {
        let error = secret_key(Some("short"), true).unwrap_err();
        assert!(error.contains("not 5") && !error.contains("short\""), "{error}");
    }
}
