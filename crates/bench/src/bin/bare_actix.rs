//! The reference the service is measured against: actix-web at its own limit. One route that
//! answers a fixed JSON body (the benchmark gives it `/api/auth/me`'s), no middleware, no
//! logging, actix-web's default worker count (the service's too: one per core).
//!
//! `yoshikosan-bare-actix PORT BODY_FILE`: serves the body at `GET /` on 127.0.0.1:PORT until
//! stopped.

use actix_web::http::header::ContentType;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = || std::io::Error::other("usage: yoshikosan-bare-actix PORT BODY_FILE");
    let port: u16 = args.next().and_then(|p| p.parse().ok()).ok_or_else(usage)?;
    let body = Bytes::from(std::fs::read(args.next().ok_or_else(usage)?)?);
    HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/",
            web::get().to(move || {
                let body = body.clone();
                async move { HttpResponse::Ok().insert_header(ContentType::json()).body(body) }
            }),
        )
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
