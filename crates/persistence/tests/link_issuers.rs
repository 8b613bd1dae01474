//! A provider link keeps the issuer it was made under: one written without (by an older
//! replica, or before issuers were recorded) gets it at its next sign-in, and one recorded is
//! never replaced. On SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use yoshikosan_domain::ports::{
    AccountWrite, CommitError, ExistingAccount, OAuthAccountRepository, OAuthSignInStore, OAuthSignInWrite,
    UserRepository,
};
use yoshikosan_domain::{OAuthAccount, User};
use yoshikosan_persistence::entities::oauth_accounts;
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{as_read, new_session, new_user, provider};

const OLD: &str = "https://id.corp.example.com/realms/staff";
const NEW: &str = "https://login.corp.example.com/realms/staff";

/// A sign-in of `user` through `link`, recording `issuer` on it where it has none.
fn sign_in_through(user: &User, link: &OAuthAccount, issuer: &str) -> OAuthSignInWrite {
    let account =
        ExistingAccount { through_link: Some(link.id), link_issuer: Some(issuer.to_owned()), ..as_read(user) };
    OAuthSignInWrite {
        account: AccountWrite::Existing(account),
        new_link: None,
        session: Some(new_session(user)),
        replaces: None,
        notice: None,
    }
}

#[tokio::test]
async fn a_link_without_an_issuer_gets_it_at_its_next_sign_in_and_keeps_it() {
    let db = TestDatabase::fresh().await;
    let ada = new_user("ada@example.com");
    db.database.users().create_with_session(&ada, &new_session(&ada), None).await.unwrap();
    let now = Utc::now();
    let link = OAuthAccount {
        id: uuid::Uuid::now_v7(),
        user_id: ada.id,
        provider: provider("corp"),
        provider_user_id: "f3b1c2".into(),
        issuer: None,
        created_at: now,
        updated_at: now,
    };
    let write = OAuthSignInWrite {
        account: AccountWrite::Existing(as_read(&ada)),
        new_link: Some(link.clone()),
        session: None,
        replaces: None,
        notice: None,
    };
    let store = db.database.oauth_sign_ins();
    store.commit(&write).await.unwrap();
    let links = db.database.oauth_accounts();
    let stored = || async { links.find_by_provider_user_id(&provider("corp"), "f3b1c2").await.unwrap().unwrap() };
    assert_eq!(stored().await.issuer, None, "as an older replica writes it");
    assert_eq!(links.links_without_issuer(&provider("corp")).await.unwrap(), 1);

    store.commit(&sign_in_through(&ada, &link, OLD)).await.unwrap();
    assert_eq!(stored().await.issuer.as_deref(), Some(OLD));
    assert_eq!(links.links_without_issuer(&provider("corp")).await.unwrap(), 0);
    store.commit(&sign_in_through(&ada, &link, OLD)).await.unwrap();
    // A replica that read the link before OLD was recorded, signing in under NEW: no session.
    let late = sign_in_through(&ada, &link, NEW);
    assert_eq!(store.commit(&late).await, Err(CommitError::Conflict));
    let session = late.session.as_ref().unwrap().id;
    assert!(db.database.sessions().find_with_user(session).await.unwrap().is_none(), "no session written");
    assert_eq!(stored().await.issuer.as_deref(), Some(OLD), "a recorded issuer is never replaced");

    assert_eq!(links.links_under_other_issuers(&provider("corp"), NEW).await.unwrap(), [(OLD.to_owned(), 1)]);
    assert!(links.links_under_other_issuers(&provider("corp"), OLD).await.unwrap().is_empty());
    assert!(links.links_under_other_issuers(&provider("google"), NEW).await.unwrap().is_empty());
    // A link without an issuer is counted under none.
    oauth_accounts::Entity::update_many()
        .col_expr(oauth_accounts::Column::Issuer, Expr::value(Option::<String>::None))
        .filter(oauth_accounts::Column::Id.eq(link.id))
        .exec(db.database.connection())
        .await
        .unwrap();
    assert!(links.links_under_other_issuers(&provider("corp"), NEW).await.unwrap().is_empty());
}
