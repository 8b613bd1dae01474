//! The documented routes and their methods, read from the OpenAPI document, which every
//! handler is declared in: the answers for unrouted requests (405 or 404) cannot drift from the
//! real routes.

use actix_web::http::Method;

#[derive(Debug)]
pub struct RouteTable(Vec<(Vec<String>, Vec<Method>)>);

impl RouteTable {
    /// The routes of the OpenAPI document, which lists every route of the service.
    pub fn from_docs(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ];
                let methods = operations.into_iter().filter(|(_, op)| op.is_some()).map(|(m, _)| m).collect();
                (segments(path).map(str::to_owned).collect(), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods of the documented route that best matches `path`: `{param}` segments match
    /// anything, and the route with the most fixed segments wins.
    pub fn methods_for(&self, path: &str) -> Option<&[Method]> {
        let wanted: Vec<&str> = segments(path).collect();
        let is_param = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
        self.0
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == wanted.len() && pattern.iter().zip(&wanted).all(|(p, w)| p == w || is_param(p))
            })
            .max_by_key(|(pattern, _)| pattern.iter().filter(|p| !is_param(p)).count())
            .map(|(_, methods)| methods.as_slice())
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_routes_and_their_methods() {
        let table = RouteTable::from_docs(&crate::routes::openapi());
        assert_eq!(table.methods_for("/api/auth/login"), Some(&[Method::POST][..]));
        assert_eq!(table.methods_for("/health/live/"), Some(&[Method::GET][..]));
        assert_eq!(table.methods_for("/api/auth/callback/google"), Some(&[Method::GET][..]));
        assert_eq!(table.methods_for("/api/auth/nope/deeper"), None);
        assert_eq!(table.methods_for("/"), Some(&[Method::GET][..]));
    }
}
