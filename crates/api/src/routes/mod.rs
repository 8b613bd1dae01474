//! HTTP handlers, each documented for OpenAPI where it is defined, and [`table`]: the one list
//! that registers every endpoint with actix-web and its entry in the OpenAPI document.

pub mod auth;
pub mod docs;
pub mod fallback;
pub mod health;
pub mod metrics;
pub mod responses;
pub mod route_table;
pub mod service;

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every endpoint of the service, read as its list of URLs. Adding one is a handler file
/// (with its `#[utoipa::path]` and actix route attribute) and one line here.
macro_rules! every_route {
    ($routes:expr) => {
        // The router tries the routes in this order, and a request pays for each one tried
        // before its own: the two that take most of the traffic, liveness probes and session
        // checks, come first.
        $routes
            .service(health::health_live) //                   GET    /health/live
            .service(auth::me::me) //                          GET    /api/auth/me
            .service(service::service) //                      GET    /
            .service(health::health) //                        GET    /health
            .service(health::health_ready) //                  GET    /health/ready
            .service(metrics::metrics) //                      GET    /metrics
            .service(auth::providers::providers) //            GET    /api/auth/providers
            .service(auth::password_policy::password_policy) // GET   /api/auth/password-policy
            .service(auth::register::register) //              POST   /api/auth/register
            .service(auth::log_in::log_in) //                  POST   /api/auth/login
            .service(auth::log_out::log_out) //                POST   /api/auth/logout
            .service(auth::sessions::list_sessions) //         GET    /api/auth/sessions
            .service(auth::sessions::revoke_session) //        DELETE /api/auth/sessions/{id}
            .service(auth::sessions::log_out_everywhere) //    POST   /api/auth/logout-all
            .service(auth::password::set_password) //          PUT    /api/auth/password
            .service(auth::password::remove_password) //       DELETE /api/auth/password
            .service(auth::password_reset::forgot_password) // POST   /api/auth/password/forgot
            .service(auth::password_reset::reset_password) //  POST   /api/auth/password/reset
            .service(auth::reauthenticate::reauthenticate) //  POST   /api/auth/reauthenticate
            .service(auth::email::send_verification) //        POST   /api/auth/email/verification
            .service(auth::email::verify_email) //             POST   /api/auth/email/verify
            .service(auth::email_change::change_email) //      PUT    /api/auth/email
            .service(auth::email_change::confirm_email_change) // POST /api/auth/email/confirm
            .service(auth::passkey_ceremonies::register_start) // POST /api/auth/passkeys/register/start
            .service(auth::passkey_ceremonies::register_finish) // POST /api/auth/passkeys/register/finish
            .service(auth::passkey_ceremonies::login_start) // POST /api/auth/passkeys/login/start
            .service(auth::passkey_ceremonies::login_finish) // POST /api/auth/passkeys/login/finish
            .service(auth::passkey_ceremonies::reauthenticate_start) // POST /api/auth/passkeys/reauthenticate/start
            .service(auth::passkey_ceremonies::reauthenticate_finish) // POST /api/auth/passkeys/reauthenticate/finish
            .service(auth::passkey_list::list_passkeys) //     GET    /api/auth/passkeys
            .service(auth::passkey_list::rename_passkey) //    PATCH  /api/auth/passkeys/{id}
            .service(auth::passkey_list::remove_passkey) //    DELETE /api/auth/passkeys/{id}
            // The provider routes last: a named `/api/auth/…` route always wins over `{provider}`.
            .service(auth::oauth::callback) //                 GET    /api/auth/callback/{provider}
            .service(auth::oauth::start) //                    GET    /api/auth/{provider}
            .service(auth::oauth::start_link) //               POST   /api/auth/{provider}/link
            .service(auth::unlink::unlink) //                  DELETE /api/auth/{provider}/link
            .service(auth::reauthenticate::reauthenticate_with_provider); // POST /api/auth/{provider}/reauthenticate
    };
}

/// Every route with its entry in the OpenAPI document.
pub fn table(routes: &mut ServiceConfig) {
    every_route!(routes);
}

/// The same routes as served. Without their OpenAPI entries, which every worker would
/// otherwise build again at start-up, and keep megabytes of memory for.
pub fn serve(routes: &mut actix_web::web::ServiceConfig) {
    every_route!(routes);
}

/// The OpenAPI document: [`docs::ApiDoc`]'s title, tags and shared components, and an entry
/// for every route of [`table`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    App::new().into_utoipa_app().openapi(docs::ApiDoc::openapi()).configure(table).split_for_parts().1
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_reads_as_the_documented_urls() {
        let document = super::openapi();
        let source = include_str!("mod.rs");
        let lines: Vec<&str> = source.lines().filter(|line| line.trim_start().starts_with(".service(")).collect();
        let operations: usize = document
            .paths
            .paths
            .values()
            .map(|item| {
                [&item.get, &item.post, &item.put, &item.patch, &item.delete].iter().filter(|o| o.is_some()).count()
            })
            .sum();
        assert_eq!(lines.len(), operations, "one line per documented operation");
        for line in lines {
            let comment = line.split("//").nth(1).unwrap_or_default();
            let mut words = comment.split_whitespace();
            let (method, path) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
            let item = document.paths.paths.get(path).unwrap_or_else(|| panic!("{path} is not documented: {line}"));
            let operation = match method {
                "GET" => &item.get,
                "POST" => &item.post,
                "PUT" => &item.put,
                "PATCH" => &item.patch,
                "DELETE" => &item.delete,
                _ => &None,
            };
            assert!(operation.is_some(), "{method} {path} is not documented: {line}");
        }
    }
}
