//! A staff account's role: one type for the inbox, the store and the `staff` command.

use clap::ValueEnum;

/// What an account may do: an admin also manages accounts and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    /// The stored and submitted word (`admin`, `staff`), as clap spells it too.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Role;
    use clap::ValueEnum;

    #[test]
    fn the_stored_word_is_the_command_line_word() {
        for role in Role::value_variants() {
            let clap_name = role.to_possible_value().map(|v| v.get_name().to_owned());
            assert_eq!(clap_name.as_deref(), Some(role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("Admin"), None);
    }
}
