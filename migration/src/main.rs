//! `cargo run -p migration -- up|down|status|fresh|refresh|reset`, against `DATABASE_URL`
//! (read from the environment or `.env`), or the service's default SQLite file.
#![forbid(unsafe_code)]

use migration::{DEFAULT_DATABASE_URL, Migrator};
use sea_orm_migration::sea_orm::Database;

#[tokio::main]
async fn main() {
    dotenvy::dotenv().ok();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
    sea_orm_migration::cli::run_cli_with_custom_connection(Migrator, async || Database::connect(&url).await).await;
}
