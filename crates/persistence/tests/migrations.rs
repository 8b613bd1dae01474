//! The schema migration is reversible and leaves nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use yoshikosan_domain::SignInMethod;
use yoshikosan_domain::ports::UserRepository;
use yoshikosan_persistence::testing::TestDatabase;
use yoshikosan_persistence::{Database, DatabaseOptions};

mod support;

async fn tables(db: &TestDatabase) -> Vec<String> {
    let sql = match db.backend() {
        DbBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    let rows = db.database.connection().query_all_raw(Statement::from_string(db.backend(), sql)).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
}

#[tokio::test]
async fn down_removes_the_schema_and_up_restores_it() {
    let db = TestDatabase::fresh().await;
    let conn = db.database.connection();
    assert_eq!(
        tables(&db).await,
        [
            "link_tokens",
            "mail_outbox",
            "oauth_accounts",
            "oauth_states",
            "passkeys",
            "seaql_migrations",
            "sessions",
            "unlinked_identities",
            "users"
        ]
    );

    Migrator::down(conn, None).await.unwrap();
    assert_eq!(tables(&db).await, ["seaql_migrations"]);
    assert!(Migrator::get_pending_migrations(conn).await.unwrap().len() == Migrator::migrations().len());

    Migrator::up(conn, None).await.unwrap();
    assert_eq!(
        tables(&db).await,
        [
            "link_tokens",
            "mail_outbox",
            "oauth_accounts",
            "oauth_states",
            "passkeys",
            "seaql_migrations",
            "sessions",
            "unlinked_identities",
            "users"
        ]
    );
    assert!(Migrator::get_pending_migrations(conn).await.unwrap().is_empty());
}

/// Instances started together on an empty database (two replicas of a deployment): one applies
/// the migrations, the others wait for it and find nothing left to do, and none fails.
#[tokio::test]
async fn instances_migrating_at_once_take_turns() {
    let db = TestDatabase::empty().await;
    if db.backend() != DbBackend::Postgres {
        return; // one SQLite file belongs to one process
    }
    let mut instances = Vec::new();
    for _ in 0..4 {
        instances.push(Database::connect(&db.url, &DatabaseOptions::default()).await.unwrap());
    }
    let mut runs = tokio::task::JoinSet::new();
    for instance in &instances {
        let instance = instance.clone();
        runs.spawn(async move { instance.migrate().await });
    }
    let mut counts = Vec::new();
    while let Some(run) = runs.join_next().await {
        counts.push(run.unwrap().expect("every instance starts").len());
    }
    assert_eq!(counts.iter().filter(|&&n| n == Migrator::migrations().len()).count(), 1, "{counts:?}");
    assert_eq!(counts.iter().sum::<usize>(), Migrator::migrations().len(), "{counts:?}");
    let status = instances[0].migration_status().await.unwrap();
    assert!(status.iter().all(|(_, applied)| *applied), "{status:?}");
}

async fn user_count(db: &TestDatabase) -> i64 {
    let sql = Statement::from_string(db.backend(), "SELECT COUNT(*) AS n FROM users");
    db.database.connection().query_one_raw(sql).await.unwrap().unwrap().try_get("", "n").unwrap()
}

/// `yoshikosan rollback` and `reset` (make db-rollback, db-reset) through the migrations' own
/// `down`: on PostgreSQL that also drops the notification functions, which dropping the tables
/// alone would leave behind, breaking the next `up`.
#[tokio::test]
async fn rollback_names_what_it_undid_and_reset_leaves_an_empty_current_schema() {
    let db = TestDatabase::fresh().await;
    let ada = support::new_user("ada@example.com");
    let session = support::new_session(&ada);
    db.database.users().create_with_session(&ada, &session, None).await.unwrap();
    assert_eq!(user_count(&db).await, 1);

    let undone = db.database.rollback(4).await.unwrap();
    assert_eq!(
        undone,
        [
            "m20261206_000007_link_issuers",
            "m20261206_000006_passkeys",
            "m20261206_000005_mail",
            "m20261206_000004_session_proof"
        ]
    );
    let status = db.database.migration_status().await.unwrap();
    assert_eq!(status.iter().filter(|(_, applied)| !applied).count(), 4, "{status:?}");
    assert_eq!(
        db.database.migrate().await.unwrap(),
        [
            "m20261206_000004_session_proof",
            "m20261206_000005_mail",
            "m20261206_000006_passkeys",
            "m20261206_000007_link_issuers"
        ]
    );
    // A session from before the columns reads as proven when it was created, by an unknown way.
    let (before, _) = db.database.sessions().find_with_user(session.id).await.unwrap().unwrap();
    assert_eq!((before.authenticated_at, before.method), (session.created_at, SignInMethod::Unknown));

    let applied = db.database.reset().await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
    assert_eq!(user_count(&db).await, 0);
    assert_eq!(
        tables(&db).await,
        [
            "link_tokens",
            "mail_outbox",
            "oauth_accounts",
            "oauth_states",
            "passkeys",
            "seaql_migrations",
            "sessions",
            "unlinked_identities",
            "users"
        ]
    );
    assert!(db.database.reset().await.is_ok(), "a reset schema can be reset again");
}
