//! Which of a provider's addresses count as proven. A provider's say-so is enough only for an
//! address it answers for: an issuer that lets anyone (another tenant, the user themself) set
//! an address would otherwise sign strangers in to the accounts of those addresses ("nOAuth").

use std::fmt;

use crate::oauth::ProviderIdentity;

const MAX_DOMAIN_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

/// A mail domain in its ASCII form (an internationalised one as `xn--`), lower-cased, with at
/// least one dot.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailDomain(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a mail domain (letters, digits and hyphens in dotted labels, such as corp.example.com)")]
pub struct EmailDomainError(pub String);

impl EmailDomain {
    pub fn parse(input: &str) -> Result<Self, EmailDomainError> {
        let domain = input.trim().to_ascii_lowercase();
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let labels: Vec<&str> = domain.split('.').collect();
        // A top-level label of digits only is an IP address's, not a domain's.
        let numeric_top = labels.last().is_some_and(|top| top.chars().all(|c| c.is_ascii_digit()));
        if domain.len() > MAX_DOMAIN_LEN || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) || numeric_top {
            return Err(EmailDomainError(input.trim().to_owned()));
        }
        Ok(Self(domain))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailDomain({})", self.0)
    }
}

/// When a provider's address takes part in the verified-email rules (link to, or claim, the
/// account of that address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailTrust {
    /// The adapter's reading of the provider's own flag (Google's `email_verified`, Discord's
    /// `verified`): these providers verify every address they hand out.
    ProviderFlag,
    /// Only an address in one of `domains`, and only when the provider says it verified it
    /// (`email_verified: true`), or, with `without_claim`, says nothing either way.
    Domains { domains: Vec<EmailDomain>, without_claim: bool },
}

impl EmailTrust {
    /// Whether `identity`'s address counts as proven.
    pub fn trusts(&self, identity: &ProviderIdentity) -> bool {
        match self {
            Self::ProviderFlag => identity.email_verified,
            Self::Domains { domains, without_claim } => {
                let claimed = match identity.email_verified_claim {
                    Some(verified) => verified,
                    None => *without_claim,
                };
                let in_domains = identity
                    .email
                    .as_ref()
                    .is_some_and(|email| domains.iter().any(|domain| domain.as_str() == email.domain()));
                claimed && in_domains
            }
        }
    }

    /// `identity` with its address judged by this rule: what the sign-in rules then read.
    pub fn judge(&self, mut identity: ProviderIdentity) -> ProviderIdentity {
        identity.email_verified = self.trusts(&identity);
        identity
    }
}

#[cfg(test)]
#[path = "email_trust_tests.rs"]
mod tests;
