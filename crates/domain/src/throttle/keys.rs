//! What one attempt is counted against: its email and its client address.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::email::Email;

/// The keys one attempt is counted against. Either may be absent: setting a first password
/// spends only the address's budget, and a request whose address is unknown only the email's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptKeys {
    pub(super) email: Option<String>,
    pub(super) address: Option<String>,
}

impl AttemptKeys {
    /// Emails are keyed by their SHA-256, so a shared store holds no addresses. IPv6 clients are
    /// keyed by their /64, the block one subscriber usually gets, so rotating within it is futile;
    /// an IPv4-mapped IPv6 address (a socket listening on `::`) is the IPv4 client it carries.
    pub fn new(email: Option<&Email>, ip: Option<&str>) -> Self {
        // Lower-cased again: an address stored by an older release may not be.
        let email =
            email.map(|e| format!("email:{}", hex::encode(Sha256::digest(e.as_str().to_lowercase().as_bytes()))));
        let address = ip.and_then(|raw| raw.parse::<IpAddr>().ok()).map(|addr| match addr.to_canonical() {
            IpAddr::V4(v4) => format!("ip:{v4}"),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        });
        Self { email, address }
    }

    /// The key of the client's address, shared by every email it tries.
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hide_the_email_and_group_ipv6_by_its_64() {
        let email = Email::parse("ada@example.com").unwrap();
        let a = AttemptKeys::new(Some(&email), Some("2001:db8:1:2:aaaa::1"));
        let b = AttemptKeys::new(None, Some("2001:db8:1:2:ffff::9"));
        assert!(!a.email.as_deref().unwrap().contains("ada"));
        assert_eq!(a.address(), b.address());
        assert_eq!(a.address(), Some("ip:2001:db8:1:2::/64"));
        assert_eq!(AttemptKeys::new(None, Some("not an ip")).address(), None);
    }

    #[test]
    fn an_ipv4_mapped_peer_counts_as_its_ipv4_address_not_as_one_shared_64() {
        let mapped = AttemptKeys::new(None, Some("::ffff:198.51.100.7"));
        assert_eq!(mapped.address(), Some("ip:198.51.100.7"));
        assert_eq!(mapped, AttemptKeys::new(None, Some("198.51.100.7")));
        assert_ne!(mapped.address(), AttemptKeys::new(None, Some("::ffff:198.51.100.8")).address());
    }
}
