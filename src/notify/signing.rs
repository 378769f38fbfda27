//! Signed unsubscribe tokens: specific to one subscription (or one member's notifications),
//! unforgeable without the site's key, and usable without logging in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::UserId;

/// What an unsubscribe link ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One subscription.
    Subscription(i64),
    /// Every notification mail of a member (quotes, mentions, digests).
    Member(UserId),
}

impl Target {
    fn label(self) -> String {
        match self {
            Target::Subscription(id) => format!("s{id}"),
            Target::Member(id) => format!("u{id}"),
        }
    }
}

fn signature(key: &[u8], label: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"unsubscribe:");
    mac.update(label.as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
}

/// The token of an unsubscribe link for `target`.
pub fn token(key: &[u8], target: Target) -> String {
    let label = target.label();
    format!("{label}.{}", signature(key, &label))
}

/// The target of a token, if its signature is right.
pub fn verify(key: &[u8], token: &str) -> Option<Target> {
    let (label, given) = token.split_once('.')?;
    let expected = signature(key, label);
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return None;
    }
    let (kind, id) = label.split_at(1);
    let id: i64 = id.parse().ok()?;
    match kind {
        "s" => Some(Target::Subscription(id)),
        "u" => Some(Target::Member(UserId(id))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_the_key_and_for_their_target() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = token(key, Target::Subscription(42));
        assert_eq!(verify(key, &t), Some(Target::Subscription(42)));
        assert_eq!(verify(b"another key", &t), None);
        let forged = t.replacen("s42", "s43", 1);
        assert_eq!(verify(key, &forged), None);
        let member = token(key, Target::Member(UserId(7)));
        assert_eq!(verify(key, &member), Some(Target::Member(UserId(7))));
        assert_eq!(verify(key, "garbage"), None);
    }
}
