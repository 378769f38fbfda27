//! The rules for user names and e-mail addresses, each with its own message.

use email_address::EmailAddress;

use crate::web::form::FieldErrors;

/// Shortest user name, in characters.
pub const USERNAME_MIN: usize = 3;
/// Longest user name, in characters.
pub const USERNAME_MAX: usize = 32;
/// Longest e-mail address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;

/// Checks a user name: 3–32 letters, digits, `_`, `.` or `-`.
pub fn username(name: &str, errors: &mut FieldErrors) {
    let length = name.chars().count();
    if name.is_empty() {
        errors.add("username", "Please choose a user name.");
    } else if length < USERNAME_MIN {
        errors.add(
            "username",
            format!("The user name must be at least {USERNAME_MIN} characters long."),
        );
    } else if length > USERNAME_MAX {
        errors.add(
            "username",
            format!("The user name may be at most {USERNAME_MAX} characters long."),
        );
    } else if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        errors.add(
            "username",
            "The user name may contain only letters, digits and the characters _ . -",
        );
    }
}

/// The look of a user name, for telling look-alikes apart: the confusable skeleton of
/// Unicode TR 39, taken twice around lowercasing (so `biII`, `bi11` and `bill`, or `mаria`
/// with a Cyrillic "а" and `maria`, come out the same). Two names with the same skeleton
/// cannot both exist.
pub fn name_skeleton(name: &str) -> String {
    use unicode_security::confusable_detection::skeleton;
    let once = skeleton(name).collect::<String>().to_lowercase();
    skeleton(&once).collect::<String>().to_lowercase()
}

/// Checks an e-mail address for syntax and length.
pub fn email(address: &str, errors: &mut FieldErrors) {
    if address.is_empty() {
        errors.add("email", "Please enter your e-mail address.");
    } else if address.len() > EMAIL_MAX {
        errors.add(
            "email",
            format!("The e-mail address may be at most {EMAIL_MAX} characters long."),
        );
    } else if !is_plain_address(address) {
        errors.add(
            "email",
            "This does not look like an e-mail address (for example name@example.com).",
        );
    }
}

/// A bare `local@domain` address with a dotted domain: no display names, comments or
/// quoted local parts, which mail relays handle badly.
fn is_plain_address(address: &str) -> bool {
    let Ok(parsed) = address.parse::<EmailAddress>() else {
        return false;
    };
    let domain = parsed.domain();
    parsed.email() == address
        && !parsed.local_part().starts_with('"')
        && domain.contains('.')
        && !domain.starts_with('[')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_names_share_a_skeleton_and_different_names_do_not() {
        for (a, b) in [
            ("maria", "m\u{0430}ria"),
            ("bill", "biII"),
            ("bill", "bi11"),
            ("maria", "rnaria"),
            ("karen", "\u{ff4b}aren"),
        ] {
            assert_eq!(name_skeleton(a), name_skeleton(b), "{a} / {b}");
        }
        for (a, b) in [("maria", "mario"), ("anna_k", "anna-k"), ("bob", "rob")] {
            assert_ne!(name_skeleton(a), name_skeleton(b), "{a} / {b}");
        }
    }

    fn username_error(name: &str) -> Option<String> {
        let mut e = FieldErrors::new();
        username(name, &mut e);
        e.get("username").map(str::to_string)
    }

    fn email_error(address: &str) -> Option<String> {
        let mut e = FieldErrors::new();
        email(address, &mut e);
        e.get("email").map(str::to_string)
    }

    #[test]
    fn usernames() {
        assert_eq!(username_error("karen_m.-1"), None);
        assert_eq!(username_error("Zoë"), None);
        assert!(username_error("ab").unwrap().contains("at least 3"));
        assert!(
            username_error(&"a".repeat(33))
                .unwrap()
                .contains("at most 32")
        );
        assert!(
            username_error("no spaces")
                .unwrap()
                .contains("only letters")
        );
        assert!(username_error("<b>x</b>").unwrap().contains("only letters"));
        assert!(username_error("").unwrap().contains("choose"));
    }

    #[test]
    fn emails() {
        assert_eq!(email_error("karen@example.com"), None);
        assert!(email_error("karen").unwrap().contains("does not look"));
        assert!(
            email_error("karen@localhost")
                .unwrap()
                .contains("does not look")
        );
        assert!(
            email_error("Karen <karen@example.com>")
                .unwrap()
                .contains("does not look")
        );
        assert!(
            email_error(&format!("{}@example.com", "a".repeat(250)))
                .unwrap()
                .contains("at most")
        );
    }
}
