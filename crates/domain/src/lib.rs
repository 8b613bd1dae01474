//! The Yoshikosan auth domain: entities, the rules that keep them valid, the use cases, and the
//! ports through which the use cases reach storage, hashing, tokens and time.
//!
//! Nothing here knows about HTTP, SQL or serialisation; adapters implement [`ports`].

pub mod clock;
mod display_name;
pub mod email;
pub mod email_trust;
mod id;
pub mod mail;
pub mod oauth;
pub mod oauth_flow;
pub mod passkey;
pub mod password;
pub mod ports;
pub mod proof;
mod provider_id;
pub mod provider_registry;
pub mod session;
pub mod session_issuer;
pub mod throttle;
pub mod use_cases;
pub mod user;
pub mod validation;

pub use clock::{Clock, SystemClock};
pub use email::Email;
pub use email_trust::{EmailDomain, EmailDomainError, EmailTrust};
pub use oauth::{AuthorizationRequest, OAuthAccount, Prompt, ProviderIdentity};
pub use oauth_flow::{FlowPurpose, PendingFlow, ProviderCallback};
pub use password::{Password, PasswordHash, PasswordPolicy, PasswordRule};
pub use proof::{Proof, ReauthWindow, RecentProof, SessionProof};
pub use provider_id::{MAX_PROVIDER_ID_LEN, ProviderId, ProviderIdError};
pub use provider_registry::{DuplicateProvider, ProviderRegistry, RegisteredProvider};
pub use session::{AccessClaims, ClientInfo, Session, SessionId, SignInMethod, TokenHash, TokenTtl};
pub use session_issuer::SessionIssuer;
pub use throttle::{AttemptKeys, RateLimits, Spend, Throttle, Throttled, ThrottledAction};
pub use user::{DisplayName, User, UserId};
pub use validation::{FieldError, FieldErrorCode, ValidationErrors};
