//! Typed identifiers: a `UserId` cannot be passed where a `SessionId` is expected.

/// Defines a UUID newtype; new ids are time-ordered (UUIDv7), so rows are appended at the end
/// of their primary-key index.
macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }

            pub fn parse(input: &str) -> Option<Self> {
                uuid::Uuid::parse_str(input).ok().map(Self)
            }

            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// Identifies a user.
    UserId
);
uuid_id!(
    /// Identifies a session; it is the `sid` claim of the session's access token.
    SessionId
);

uuid_id!(
    /// Identifies one of an account's passkeys.
    PasskeyId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_and_sort_by_creation() {
        let first = UserId::generate();
        let second = UserId::generate();
        assert!(first < second);
        assert_eq!(UserId::parse(&first.to_string()), Some(first));
        assert_eq!(SessionId::parse("not-a-uuid"), None);
    }
}
