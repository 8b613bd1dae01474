//! `GET /`: what answers here, and where to go next.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"service": "yoshikosan", "version": "0.1.0", "docs": "/docs", "openapi": "/openapi.json", "health": "/health"}))]
pub struct ServiceResponse {
    pub service: &'static str,
    pub version: &'static str,
    /// Swagger UI.
    pub docs: &'static str,
    pub openapi: &'static str,
    pub health: &'static str,
}

/// The service's name and version, with links to its documentation and health check.
#[utoipa::path(tag = "health", responses((status = 200, description = "This service", body = ServiceResponse)))]
#[get("/")]
pub async fn service() -> web::Json<ServiceResponse> {
    web::Json(ServiceResponse {
        service: "yoshikosan",
        version: env!("CARGO_PKG_VERSION"),
        docs: "/docs",
        openapi: "/openapi.json",
        health: "/health",
    })
}
