//! A link a person brings back from a mail, checked the same way by every use case that takes
//! one: well formed, stored, of the purpose asked for, of the signed-in account where one is
//! asked for, and not expired. Refusals spend the client address's budget, so guessing tokens
//! costs.

use chrono::{DateTime, Utc};

use crate::mail::{LinkPurpose, LinkToken, LinkTokens, StoredLink};
use crate::ports::StoreError;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::user::UserId;

/// Why a link is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Unknown, used, voided, malformed or of another purpose.
    Invalid,
    Expired,
    /// Another account's: only its own user, signed in, may use it.
    OtherAccount,
}

/// The link `token` names, if it may be used now for `purpose` (by `owner`, when given).
pub(crate) async fn usable_link(
    links: &dyn LinkTokens,
    token: &str,
    purpose: LinkPurpose,
    owner: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Result<(LinkToken, StoredLink), Refused>, StoreError> {
    let Some(token) = LinkToken::parse(token.trim()) else { return Ok(Err(Refused::Invalid)) };
    let Some(stored) = links.find(&token.hash()).await? else { return Ok(Err(Refused::Invalid)) };
    if stored.purpose != Some(purpose) {
        return Ok(Err(Refused::Invalid));
    }
    if owner.is_some_and(|owner| owner != stored.user_id) {
        return Ok(Err(Refused::OtherAccount));
    }
    if now >= stored.expires_at {
        return Ok(Err(Refused::Expired));
    }
    Ok(Ok((token, stored)))
}

/// Spends a unit of the client address's budget for a refused link; refused itself once the
/// budget is spent.
pub(crate) async fn spend_for_refusal(
    throttle: &Throttle,
    action: ThrottledAction,
    client_ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), Throttled> {
    throttle.admit(&action.address_keys(client_ip), now).await?.failed();
    Ok(())
}
