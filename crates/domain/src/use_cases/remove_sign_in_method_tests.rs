//! The rules of removing a way in, against mocks: what must exist, the last way in, the proof,
//! and a decision made again after a concurrent removal.

use std::sync::{Arc, Mutex};

use chrono::Duration;

use super::*;
use crate::passkey::MockPasskeyRepository;
use crate::ports::MockUserRepository;
use crate::provider_id::ProviderId;
use crate::provider_registry::test_registry;
use crate::use_cases::passkey_test_support::passkey_of;
use crate::use_cases::test_support::*;
use crate::user::User;

fn provider(id: &str) -> ProviderId {
    ProviderId::parse(id).unwrap()
}

fn account(password: bool, providers: &[&str]) -> User {
    let mut user = user(password.then_some("stored"));
    user.linked_providers = providers.iter().map(|p| provider(p)).collect();
    user
}

/// The user reads as each of `reads` in turn (the last one ever after); writes answer `writes`
/// in turn, then `Done`. Returns the removals written.
fn use_case(
    reads: Vec<User>,
    writes: Vec<PasswordWrite>,
    proven_ago: Duration,
) -> (RemoveSignInMethod, Arc<Mutex<Vec<SignInMethodRemoval>>>) {
    let owner = reads[0].id;
    let reads = Arc::new(Mutex::new(reads));
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(move |_| {
        let mut reads = reads.lock().unwrap();
        Ok(Some(if reads.len() > 1 { reads.remove(0) } else { reads[0].clone() }))
    });
    let written = Arc::new(Mutex::new(Vec::new()));
    let record = written.clone();
    let answers = Arc::new(Mutex::new(writes));
    users.expect_remove_sign_in_method().returning(move |removal| {
        record.lock().unwrap().push(removal.clone());
        let mut answers = answers.lock().unwrap();
        Ok(if answers.is_empty() { PasswordWrite::Done } else { answers.remove(0) })
    });
    let registry = Arc::new(test_registry(&["google", "discord"]));
    let mut passkeys = MockPasskeyRepository::new();
    let stored = vec![passkey_of(owner, "one"), passkey_of(owner, "two")];
    passkeys.expect_list().returning(move |_| Ok(stored.clone()));
    let use_case =
        RemoveSignInMethod::new(Arc::new(users), Arc::new(passkeys), proven(proven_ago), registry, clock_at(t0()));
    (use_case, written)
}

fn command(user: &User, method: RemovedMethod) -> RemoveSignInMethodCommand {
    RemoveSignInMethodCommand {
        user_id: user.id,
        session_id: SessionId::generate(),
        method,
        client: ClientInfo::default(),
    }
}

const FRESH: Duration = Duration::seconds(30);

#[tokio::test]
async fn unlinking_with_a_recent_proof_writes_what_was_read() {
    let user = account(true, &["google"]);
    let (use_case, written) = use_case(vec![user.clone()], vec![], FRESH);
    use_case.execute(&command(&user, RemovedMethod::Provider(provider("google")))).await.unwrap();
    let written = written.lock().unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].providers, [provider("google")]);
    assert_eq!(written[0].password, user.password_hash);
}

#[tokio::test]
async fn a_proof_older_than_the_window_changes_nothing() {
    let user = account(true, &["google"]);
    let (use_case, written) = use_case(vec![user.clone()], vec![], Duration::seconds(600));
    let result = use_case.execute(&command(&user, RemovedMethod::Password)).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::ReauthenticationRequired)));
    assert!(written.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_last_way_in_is_never_removed_and_no_proof_is_asked_for_it() {
    let user = account(false, &["google"]);
    let (remove, written) = use_case(vec![user.clone()], vec![], Duration::days(1));
    let result = remove.execute(&command(&user, RemovedMethod::Provider(provider("google")))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
    let only_password = account(true, &[]);
    let (remove, _) = use_case(vec![only_password.clone()], vec![], FRESH);
    let result = remove.execute(&command(&only_password, RemovedMethod::Password)).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
    assert!(written.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_link_to_a_provider_no_longer_configured_is_no_way_in() {
    let user = account(false, &["google", "gitlab"]);
    let (use_case, _) = use_case(vec![user.clone()], vec![], FRESH);
    let result = use_case.execute(&command(&user, RemovedMethod::Provider(provider("google")))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
}

#[tokio::test]
async fn what_the_account_lacks_is_not_found() {
    let user = account(false, &["google", "discord"]);
    let (use_case, _) = use_case(vec![user.clone()], vec![], FRESH);
    let result = use_case.execute(&command(&user, RemovedMethod::Password)).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::NotFound)));
    let result = use_case.execute(&command(&user, RemovedMethod::Provider(provider("gitlab")))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::NotFound)));
}

#[tokio::test]
async fn a_removal_that_lost_a_race_is_decided_again_on_what_the_winner_left() {
    // Read with two providers; meanwhile the other one was unlinked, so the write is stale.
    let before = account(false, &["google", "discord"]);
    let mut after = before.clone();
    after.linked_providers = vec![provider("google")];
    let (use_case, written) = use_case(vec![before.clone(), after], vec![PasswordWrite::Stale], FRESH);
    let result = use_case.execute(&command(&before, RemovedMethod::Provider(provider("google")))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
    assert_eq!(written.lock().unwrap().len(), 1, "only the stale write");
}

#[tokio::test]
async fn a_session_revoked_meanwhile_removes_nothing() {
    let user = account(true, &["google"]);
    let (use_case, _) = use_case(vec![user.clone()], vec![PasswordWrite::SessionEnded], FRESH);
    let result = use_case.execute(&command(&user, RemovedMethod::Password)).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::SessionEnded)));
}

fn with_passkeys(mut user: User, passkeys: u32) -> User {
    user.passkeys = passkeys;
    user
}

#[tokio::test]
async fn a_passkey_is_a_way_in_beside_the_others() {
    // The password may go when a passkey stays.
    let user = with_passkeys(account(true, &[]), 1);
    let (use_case, written) = use_case(vec![user.clone()], vec![], FRESH);
    use_case.execute(&command(&user, RemovedMethod::Password)).await.unwrap();
    assert_eq!(written.lock().unwrap()[0].passkeys, 1, "the count read is checked by the write");
}

#[tokio::test]
async fn a_passkey_is_no_way_in_while_passkeys_are_off() {
    let user = with_passkeys(account(true, &[]), 1);
    let (use_case, written) = use_case(vec![user.clone()], vec![], FRESH);
    let result = use_case.counting_passkeys(false).execute(&command(&user, RemovedMethod::Password)).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
    assert!(written.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_last_passkey_of_an_account_with_nothing_else_stays() {
    let user = with_passkeys(account(false, &[]), 1);
    let (remove, written) = use_case(vec![user.clone()], vec![], FRESH);
    let passkeys = remove.passkeys.list(user.id).await.unwrap();
    let result = remove.execute(&command(&user, RemovedMethod::Passkey(passkeys[0].id))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::LastSignInMethod)));
    assert!(written.lock().unwrap().is_empty());
}

#[tokio::test]
async fn one_of_two_passkeys_may_go_and_another_account_s_is_not_found() {
    let user = with_passkeys(account(false, &[]), 2);
    let (remove, written) = use_case(vec![user.clone()], vec![], FRESH);
    let passkeys = remove.passkeys.list(user.id).await.unwrap();
    remove.execute(&command(&user, RemovedMethod::Passkey(passkeys[1].id))).await.unwrap();
    assert_eq!(written.lock().unwrap()[0].remove, RemovedMethod::Passkey(passkeys[1].id));
    let stranger = crate::passkey::PasskeyId::generate();
    let result = remove.execute(&command(&user, RemovedMethod::Passkey(stranger))).await;
    assert!(matches!(result, Err(RemoveSignInMethodError::NotFound)));
}
