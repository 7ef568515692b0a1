//! Tenant schema names: generated from the tenant id, validated, and quoted in exactly one place.

use std::fmt;

use uuid::Uuid;

/// A validated tenant schema name: `t_` followed by 32 lowercase hex digits.
///
/// The only constructors are [`SchemaName::for_tenant`] and [`SchemaName::parse`], so holding one
/// proves the name is safe; [`SchemaName::quoted`] is the only way it enters SQL text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaName(String);

/// A string that is not a tenant schema name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a tenant schema name (expected t_ followed by 32 lowercase hex digits)")]
pub struct InvalidSchemaName(pub String);

impl SchemaName {
    /// The schema of the tenant with this id.
    pub fn for_tenant(id: Uuid) -> Self {
        SchemaName(format!("t_{}", id.simple()))
    }

    pub fn parse(s: &str) -> Result<Self, InvalidSchemaName> {
        let valid = s.len() == 34
            && s.starts_with("t_")
            && s[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            Ok(SchemaName(s.to_string()))
        } else {
            Err(InvalidSchemaName(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as a quoted SQL identifier. Validation already excludes quotes; quoting anyway
    /// keeps the identifier exact.
    pub fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_name_is_derived_from_the_tenant_id() {
        let id = Uuid::parse_str("4b1f0c5e-2a1d-4c3b-9e8f-0123456789ab").unwrap();
        let name = SchemaName::for_tenant(id);
        assert_eq!(name.as_str(), "t_4b1f0c5e2a1d4c3b9e8f0123456789ab");
        assert_eq!(name.quoted(), "\"t_4b1f0c5e2a1d4c3b9e8f0123456789ab\"");
        assert_eq!(SchemaName::parse(name.as_str()).unwrap(), name);
    }

    #[test]
    fn hostile_and_reserved_names_are_rejected() {
        for bad in [
            "\"; DROP SCHEMA public; --",
            "t_4b1f0c5e2a1d4c3b9e8f0123456789ab\"; DROP SCHEMA public; --",
            "pg_catalog",
            "public",
            "information_schema",
            "T_4B1F0C5E2A1D4C3B9E8F0123456789AB",
            "t_4B1F0C5E2A1D4C3B9E8F0123456789ab",
            "t_4b1f0c5e2a1d4c3b9e8f0123456789ab0",
            "t_4b1f0c5e2a1d4c3b9e8f0123456789a",
            "t_4b1f0c5e-2a1d-4c3b-9e8f-0123456789",
            "t_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "",
            "t_",
            &format!("t_{}", "a".repeat(100)),
        ] {
            assert!(SchemaName::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
