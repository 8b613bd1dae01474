use std::sync::Arc;

use uuid::Uuid;

use crate::clock::Clock;
use crate::oauth::{OAuthAccount, ProviderIdentity};
use crate::ports::{
    CommitError, OAuthAccountRepository, OAuthSignInStore, OAuthSignInWrite, StoreError, TokenError, UserRepository,
};
use crate::session::ClientInfo;
use crate::user::{User, UserId};

use super::session_issuer::{SessionIssuer, SignedIn};

#[derive(Debug, Clone)]
pub struct OAuthSignInCommand {
    pub identity: ProviderIdentity,
    /// The user who was signed in when the flow started, if any: the account is linked to them.
    pub signed_in_user: Option<UserId>,
    pub client: ClientInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthSignInError {
    /// The provider's email belongs to an account here, but the provider has not verified it:
    /// linking would let whoever controls the provider account take over ours.
    #[error("the provider has not verified this email")]
    EmailNotVerified,
    /// No link, no signed-in user, and no email to create an account with.
    #[error("the provider gave no email address")]
    EmailMissing,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl From<CommitError> for OAuthSignInError {
    fn from(error: CommitError) -> Self {
        match error {
            CommitError::Conflict => Self::Store(StoreError::Unexpected("sign-in kept conflicting".into())),
            CommitError::Store(e) => Self::Store(e),
        }
    }
}

/// Signs in with a provider identity, by the contract's rules, in order: an existing link; else
/// a link to the user signed in when the flow started; else a link to the account whose email
/// the provider verified; else a new account. An unverified email that matches an account is
/// refused.
#[derive(Clone)]
pub struct OAuthSignIn {
    users: Arc<dyn UserRepository>,
    accounts: Arc<dyn OAuthAccountRepository>,
    store: Arc<dyn OAuthSignInStore>,
    clock: Arc<dyn Clock>,
    issuer: SessionIssuer,
}

/// What an OAuth sign-in did besides signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthOutcome {
    /// The provider account was already linked.
    SignedIn,
    /// The provider account was linked to an existing user.
    Linked,
    /// A new user was created with the provider account linked.
    Created,
}

#[derive(Debug, Clone)]
pub struct OAuthSignedIn {
    pub signed_in: SignedIn,
    pub outcome: OAuthOutcome,
}

impl OAuthSignIn {
    pub fn new(
        users: Arc<dyn UserRepository>,
        accounts: Arc<dyn OAuthAccountRepository>,
        store: Arc<dyn OAuthSignInStore>,
        clock: Arc<dyn Clock>,
        issuer: SessionIssuer,
    ) -> Self {
        Self { users, accounts, store, clock, issuer }
    }

    pub async fn execute(&self, command: &OAuthSignInCommand) -> Result<OAuthSignedIn, OAuthSignInError> {
        // A conflict means a concurrent sign-in wrote the same link or account first; deciding
        // again then finds it. Twice in a row is not a race any more.
        match self.attempt(command).await {
            Err(Attempt::Conflict) => self.attempt(command).await.map_err(Attempt::into_error),
            other => other.map_err(Attempt::into_error),
        }
    }

    async fn attempt(&self, command: &OAuthSignInCommand) -> Result<OAuthSignedIn, Attempt> {
        let identity = &command.identity;
        let (mut user, new_user, link, outcome) = match self.decide(command).await? {
            Decision::SignIn(user) => (user, None, false, OAuthOutcome::SignedIn),
            Decision::Link(user) => (user, None, true, OAuthOutcome::Linked),
            Decision::Create(user) => (user.clone(), Some(user), true, OAuthOutcome::Created),
        };
        let new_link = link.then(|| self.link(identity, user.id));
        let (session, access_token) = self.issuer.issue(user.id, &command.client).map_err(OAuthSignInError::from)?;
        let write = OAuthSignInWrite { new_user, new_link, session };
        self.store.commit(&write).await.map_err(|e| match e {
            CommitError::Conflict => Attempt::Conflict,
            other => Attempt::Failed(other.into()),
        })?;
        if link && !user.linked_providers.contains(&identity.provider) {
            user.linked_providers.push(identity.provider);
        }
        let session = write.session;
        let signed_in = SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at };
        Ok(OAuthSignedIn { signed_in, outcome })
    }

    async fn decide(&self, command: &OAuthSignInCommand) -> Result<Decision, OAuthSignInError> {
        let identity = &command.identity;
        if let Some(account) =
            self.accounts.find_by_provider_user_id(identity.provider, &identity.provider_user_id).await?
        {
            let user = self.users.find_by_id(account.user_id).await?;
            let user =
                user.ok_or_else(|| StoreError::Unexpected(format!("oauth account {} has no user", account.id)))?;
            return Ok(Decision::SignIn(user));
        }
        if let Some(user_id) = command.signed_in_user
            && let Some(user) = self.users.find_by_id(user_id).await?
        {
            return Ok(Decision::Link(user));
        }
        let email = identity.email.clone().ok_or(OAuthSignInError::EmailMissing)?;
        match self.users.find_by_email(&email).await? {
            Some(owner) if identity.email_verified => Ok(Decision::Link(owner)),
            Some(_) => Err(OAuthSignInError::EmailNotVerified),
            None => Ok(Decision::Create(User::from_provider(identity, email, self.clock.now()))),
        }
    }

    fn link(&self, identity: &ProviderIdentity, user_id: UserId) -> OAuthAccount {
        let now = self.clock.now();
        // Provider tokens are not kept: sign-in needs only the identity.
        OAuthAccount {
            id: Uuid::now_v7(),
            user_id,
            provider: identity.provider,
            provider_user_id: identity.provider_user_id.clone(),
            encrypted_access_token: None,
            encrypted_refresh_token: None,
            token_expires_at: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Who signs in, and what is written for it.
enum Decision {
    /// Already linked: sign in, write only the session.
    SignIn(User),
    /// An existing user: link the identity to them.
    Link(User),
    /// A new user, created and linked.
    Create(User),
}

enum Attempt {
    Conflict,
    Failed(OAuthSignInError),
}

impl Attempt {
    fn into_error(self) -> OAuthSignInError {
        match self {
            Self::Conflict => CommitError::Conflict.into(),
            Self::Failed(e) => e,
        }
    }
}

impl From<OAuthSignInError> for Attempt {
    fn from(error: OAuthSignInError) -> Self {
        Self::Failed(error)
    }
}

opaque_debug!(OAuthSignIn);

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::email::Email;
    use crate::oauth::OAuthProvider;
    use crate::ports::{MockOAuthAccountRepository, MockOAuthSignInStore, MockUserRepository};
    use crate::use_cases::test_support::*;

    fn identity(email: Option<&str>, verified: bool) -> ProviderIdentity {
        ProviderIdentity {
            provider: OAuthProvider::Google,
            provider_user_id: "google-sub-42".into(),
            email: email.map(|e| Email::parse(e).unwrap()),
            email_verified: verified,
            name: Some("Ada Lovelace".into()),
            avatar_url: Some("https://example.com/ada.png".into()),
        }
    }

    fn command(identity: ProviderIdentity, signed_in_user: Option<UserId>) -> OAuthSignInCommand {
        OAuthSignInCommand { identity, signed_in_user, client: ClientInfo::default() }
    }

    fn linked_account(user_id: UserId) -> OAuthAccount {
        OAuthAccount {
            id: Uuid::now_v7(),
            user_id,
            provider: OAuthProvider::Google,
            provider_user_id: "google-sub-42".into(),
            encrypted_access_token: None,
            encrypted_refresh_token: None,
            token_expires_at: None,
            created_at: t0(),
            updated_at: t0(),
        }
    }

    /// Repositories holding `existing` users (found by id and email) and `link`.
    struct World {
        existing: Vec<User>,
        link: Option<OAuthAccount>,
        conflicts: usize,
    }

    impl World {
        fn new(existing: Vec<User>, link: Option<OAuthAccount>) -> Self {
            Self { existing, link, conflicts: 0 }
        }

        fn sign_in(self) -> (OAuthSignIn, Arc<Mutex<Vec<OAuthSignInWrite>>>) {
            let mut users = MockUserRepository::new();
            let by_id = self.existing.clone();
            users.expect_find_by_id().returning(move |id| Ok(by_id.iter().find(|u| u.id == id).cloned()));
            let by_email = self.existing;
            users
                .expect_find_by_email()
                .returning(move |email| Ok(by_email.iter().find(|u| &u.email == email).cloned()));
            let mut accounts = MockOAuthAccountRepository::new();
            let link = self.link;
            accounts.expect_find_by_provider_user_id().returning(move |_, _| Ok(link.clone()));
            let writes = Arc::new(Mutex::new(Vec::new()));
            let recorded = writes.clone();
            let conflicts = Mutex::new(self.conflicts);
            let mut store = MockOAuthSignInStore::new();
            store.expect_commit().returning(move |write| {
                let mut left = conflicts.lock().unwrap();
                if *left > 0 {
                    *left -= 1;
                    return Err(CommitError::Conflict);
                }
                recorded.lock().unwrap().push(write.clone());
                Ok(())
            });
            let codec = codec_for(UserId::generate());
            let use_case =
                OAuthSignIn::new(Arc::new(users), Arc::new(accounts), Arc::new(store), clock_at(t0()), issuer(codec));
            (use_case, writes)
        }
    }

    #[tokio::test]
    async fn an_existing_link_signs_in_its_user_and_writes_only_a_session() {
        let owner = user(None);
        let (use_case, writes) = World::new(vec![owner.clone()], Some(linked_account(owner.id))).sign_in();
        // Even an unverified, different email: the link decides.
        let signed_in = use_case.execute(&command(identity(Some("other@example.com"), false), None)).await.unwrap();
        assert_eq!(signed_in.outcome, OAuthOutcome::SignedIn);
        let signed_in = signed_in.signed_in;
        assert_eq!(signed_in.user.id, owner.id);
        let writes = writes.lock().unwrap();
        assert_eq!((writes[0].new_user.is_none(), writes[0].new_link.is_none()), (true, true));
        assert_eq!(writes[0].session.user_id, owner.id);
    }

    #[tokio::test]
    async fn a_signed_in_user_gets_the_identity_linked() {
        let me = user(Some("hash"));
        let (use_case, writes) = World::new(vec![me.clone()], None).sign_in();
        let signed_in =
            use_case.execute(&command(identity(Some("elsewhere@example.com"), false), Some(me.id))).await.unwrap();
        assert_eq!(signed_in.outcome, OAuthOutcome::Linked);
        let signed_in = signed_in.signed_in;
        assert_eq!(signed_in.user.id, me.id);
        assert_eq!(signed_in.user.sign_in_methods(), ["password", "google"]);
        let link = writes.lock().unwrap()[0].new_link.clone().unwrap();
        assert_eq!((link.user_id, link.provider_user_id.as_str()), (me.id, "google-sub-42"));
        assert_eq!(link.encrypted_access_token, None, "provider tokens are not stored");
    }

    #[tokio::test]
    async fn a_verified_email_links_to_the_account_that_has_it() {
        let owner = user(Some("hash"));
        let (use_case, writes) = World::new(vec![owner.clone()], None).sign_in();
        let signed_in = use_case.execute(&command(identity(Some("ADA@example.com"), true), None)).await.unwrap();
        assert_eq!(signed_in.outcome, OAuthOutcome::Linked);
        let signed_in = signed_in.signed_in;
        assert_eq!(signed_in.user.id, owner.id);
        assert!(writes.lock().unwrap()[0].new_user.is_none());
    }

    #[tokio::test]
    async fn an_unverified_email_never_links_to_an_existing_account() {
        let owner = user(Some("hash"));
        let (use_case, writes) = World::new(vec![owner], None).sign_in();
        let result = use_case.execute(&command(identity(Some("ada@example.com"), false), None)).await;
        assert!(matches!(result, Err(OAuthSignInError::EmailNotVerified)));
        assert!(writes.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_unknown_email_creates_a_passwordless_account() {
        for verified in [true, false] {
            let (use_case, writes) = World::new(Vec::new(), None).sign_in();
            let signed_in =
                use_case.execute(&command(identity(Some("New@Example.com"), verified), None)).await.unwrap();
            assert_eq!(signed_in.outcome, OAuthOutcome::Created);
            let signed_in = signed_in.signed_in;
            let created = writes.lock().unwrap()[0].new_user.clone().unwrap();
            assert_eq!(created.id, signed_in.user.id);
            assert_eq!(created.email.as_str(), "new@example.com");
            assert_eq!(created.email_verified, verified);
            assert_eq!(created.password_hash, None);
            assert_eq!(created.name.as_str(), "Ada Lovelace");
            assert_eq!(created.avatar_url.as_deref(), Some("https://example.com/ada.png"));
            assert_eq!(signed_in.user.sign_in_methods(), ["google"]);
        }
    }

    #[tokio::test]
    async fn no_email_and_nothing_to_link_to_is_refused() {
        let (use_case, writes) = World::new(Vec::new(), None).sign_in();
        let result = use_case.execute(&command(identity(None, false), None)).await;
        assert!(matches!(result, Err(OAuthSignInError::EmailMissing)));
        assert!(writes.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_lost_race_is_decided_again_once() {
        let mut world = World::new(Vec::new(), None);
        world.conflicts = 1;
        let (use_case, writes) = world.sign_in();
        assert!(use_case.execute(&command(identity(Some("race@example.com"), true), None)).await.is_ok());
        assert_eq!(writes.lock().unwrap().len(), 1);

        let mut world = World::new(Vec::new(), None);
        world.conflicts = 2;
        let (use_case, _) = world.sign_in();
        let result = use_case.execute(&command(identity(Some("race@example.com"), true), None)).await;
        assert!(matches!(result, Err(OAuthSignInError::Store(StoreError::Unexpected(_)))));
    }
}
