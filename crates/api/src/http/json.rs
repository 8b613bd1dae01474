//! JSON request bodies. A body that is not a JSON object, or a field of the wrong type, is a 422
//! naming the field (`body` for the whole), in words of the API and never of its internal
//! types; JSON that does not parse stays a 400 (from the JSON error handler), and so does an
//! object with a key given twice.

use super::unique_keys::UniqueKeys;
use crate::error::{ApiError, FieldProblem};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

/// Extracts a `T` from an `application/json` body, under the app's `JsonConfig` (size limit,
/// content type).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<UniqueKeys>::from_request(req, payload);
        Box::pin(async move {
            let UniqueKeys { value, duplicate } = json.await?.into_inner();
            if let Some(key) = duplicate {
                return Err(duplicate_key(&key).into());
            }
            decode(value).map(JsonBody).map_err(Into::into)
        })
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(wrong_type("body", "the request body must be a JSON object".to_owned()));
    }
    serde_path_to_error::deserialize(value).map_err(|error| match error.path().iter().next() {
        Some(Segment::Map { key }) => {
            let message = format!("{key} has the wrong type");
            wrong_type(key, message)
        }
        _ => wrong_type("body", "the request body does not have the expected fields".to_owned()),
    })
}

/// Names the key when it is short and plain, so that the answer cannot echo a body back.
fn duplicate_key(key: &str) -> ApiError {
    let named = key.len() <= 64 && key.bytes().all(|b| b.is_ascii_graphic());
    let key = if named { format!(" \"{key}\"") } else { String::new() };
    ApiError::BadRequest(format!("The request body gives the key{key} more than once"))
}

fn wrong_type(field: &str, message: String) -> ApiError {
    ApiError::Validation(vec![FieldProblem {
        field: field.to_owned(),
        code: crate::error::INVALID_TYPE.to_owned(),
        message,
    }])
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only decoded")]
    struct Request {
        #[serde(default)]
        email: String,
        #[serde(default)]
        name: String,
    }

    fn problems(value: serde_json::Value) -> Vec<FieldProblem> {
        match decode::<Request>(value) {
            Err(ApiError::Validation(problems)) => problems,
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn a_wrongly_typed_field_is_named() {
        let found = problems(json!({"email": 5, "name": "x"}));
        assert_eq!((found[0].field.as_str(), found[0].code.as_str()), ("email", "invalid_type"));
        let found = problems(json!({"email": "a@example.com", "name": ["x"]}));
        assert_eq!(found[0].field, "name");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_the_bodys_fault() {
        for value in [json!("x"), json!(null), json!([1]), json!(3)] {
            let found = problems(value);
            assert_eq!((found[0].field.as_str(), found[0].code.as_str()), ("body", "invalid_type"));
            assert!(!found[0].message.contains("Request"), "{}", found[0].message);
        }
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert!(decode::<Request>(json!({"email": "a", "extra": 1})).is_ok());
    }
}
