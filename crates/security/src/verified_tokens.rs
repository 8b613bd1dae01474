//! The tokens a worker thread has verified lately, with their claims.
//!
//! A client sends the same access token with every request, and checking it (base64, two JSON
//! documents, HMAC-SHA256) cost more than the rest of `/api/auth/me`. Decoding is a function of
//! the token's bytes and the key alone (expiry and revocation are judged afterwards, on every
//! request), so a token whose exact bytes this codec has already accepted has the same claims
//! again. Only accepted tokens are kept: a forged one is checked in full every time it is sent.
//! One table per thread, so that workers never contend for it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use yoshikosan_domain::AccessClaims;

/// Entries per thread before the table is emptied and starts again. About 450 bytes each with
/// the table's own slots: at most 0.5 MB per worker thread. The tokens kept are ones the
/// service signed, held in memory beside the key that signs them.
const CAPACITY: usize = 1024;

static NEXT_CODEC: AtomicU64 = AtomicU64::new(1);

/// Which codec (which key) an entry was accepted by: a token one key accepted means nothing
/// to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodecId(u64);

impl CodecId {
    pub fn next() -> Self {
        Self(NEXT_CODEC.fetch_add(1, Ordering::Relaxed))
    }
}

struct Entry {
    codec: CodecId,
    token: Box<str>,
    claims: AccessClaims,
}

#[derive(Default)]
struct Table {
    /// Hashed on the signature alone, which is short and unpredictable, with this thread's own
    /// random keys: a token reaches the comparison with an entry only by carrying that entry's
    /// signature. An entry is used only when its whole token is the one presented.
    entries: HashMap<u64, Entry>,
    hasher: RandomState,
}

thread_local! {
    static VERIFIED: RefCell<Table> = RefCell::new(Table::default());
}

fn signature(token: &str) -> &str {
    token.rsplit_once('.').map_or(token, |(_, signature)| signature)
}

/// The claims `codec` accepted this exact token with, if this thread still has them.
pub fn recall(codec: CodecId, token: &str) -> Option<AccessClaims> {
    VERIFIED.with_borrow(|table| {
        let entry = table.entries.get(&table.hasher.hash_one(signature(token)))?;
        (entry.codec == codec && *entry.token == *token).then_some(entry.claims)
    })
}

/// Keeps what `codec` accepted `token` with.
pub fn remember(codec: CodecId, token: &str, claims: &AccessClaims) {
    VERIFIED.with_borrow_mut(|table| {
        if table.entries.len() >= CAPACITY {
            table.entries.clear();
        }
        let key = table.hasher.hash_one(signature(token));
        table.entries.insert(key, Entry { codec, token: token.into(), claims: *claims });
    });
}

#[cfg(test)]
pub fn kept() -> usize {
    VERIFIED.with_borrow(|table| table.entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt_codec::tests::claims;

    #[test]
    fn only_the_same_token_of_the_same_codec_is_recalled() {
        let (codec, other) = (CodecId::next(), CodecId::next());
        let claims = claims();
        remember(codec, "header.payload.signature", &claims);
        assert_eq!(recall(codec, "header.payload.signature"), Some(claims));
        assert_eq!(recall(other, "header.payload.signature"), None, "another key");
        assert_eq!(recall(codec, "header.forged.signature"), None, "the same signature on another payload");
        assert_eq!(recall(codec, "header.payload.signaturf"), None);
    }

    #[test]
    fn the_table_stays_bounded() {
        let codec = CodecId::next();
        let claims = claims();
        for n in 0..CAPACITY * 3 {
            remember(codec, &format!("h.p.{n}"), &claims);
            assert!(kept() <= CAPACITY);
        }
        assert_eq!(recall(codec, &format!("h.p.{}", CAPACITY * 3 - 1)), Some(claims));
    }
}
