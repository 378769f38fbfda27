//! Signed unsubscribe tokens: specific to one subscription (or one member's notifications),
//! unforgeable without the site's key, and usable without logging in. A member-wide token
//! silences everything, so it carries the day it was issued and dies after
//! [`MEMBER_TOKEN_DAYS`]; a subscription's token ends only that one subscription and lives
//! as long as the mail that carries it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::{SubscriptionId, UserId};

/// What an unsubscribe link ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Subscription(SubscriptionId),
    /// Every notification mail of a member (quotes, mentions, digests).
    Member(UserId),
}

/// How many days a member-wide unsubscribe link works.
pub const MEMBER_TOKEN_DAYS: i64 = 60;

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not a token this site signed.
    Invalid,
    /// A member-wide token older than [`MEMBER_TOKEN_DAYS`].
    Expired,
}

/// Days since the Unix epoch, in UTC.
fn today() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(86_400)
}

impl Target {
    fn label(self, day: i64) -> String {
        match self {
            Target::Subscription(id) => format!("s{id}"),
            Target::Member(id) => format!("u{id}-{day}"),
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

/// The token of an unsubscribe link for `target`, issued today.
pub fn token(key: &[u8], target: Target) -> String {
    token_issued(key, target, today())
}

/// The token of an unsubscribe link for `target` issued on `day` (days since the epoch).
pub fn token_issued(key: &[u8], target: Target, day: i64) -> String {
    let label = target.label(day);
    format!("{label}.{}", signature(key, &label))
}

/// The target of a token, if its signature is right and it has not expired.
pub fn verify(key: &[u8], token: &str) -> Result<Target, Refused> {
    verify_on(key, token, today())
}

/// [`verify`] as of `day`.
pub fn verify_on(key: &[u8], token: &str, day: i64) -> Result<Target, Refused> {
    let (label, given) = token.split_once('.').ok_or(Refused::Invalid)?;
    let expected = signature(key, label);
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(Refused::Invalid);
    }
    let number = |text: &str| text.parse::<i64>().map_err(|_| Refused::Invalid);
    match label.split_at(1) {
        ("s", id) => Ok(Target::Subscription(SubscriptionId(number(id)?))),
        ("u", rest) => {
            let (id, issued) = rest.split_once('-').ok_or(Refused::Invalid)?;
            if day - number(issued)? > MEMBER_TOKEN_DAYS {
                return Err(Refused::Expired);
            }
            Ok(Target::Member(UserId(number(id)?)))
        }
        _ => Err(Refused::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_the_key_and_for_their_target() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = token(key, Target::Subscription(SubscriptionId(42)));
        assert_eq!(
            verify(key, &t),
            Ok(Target::Subscription(SubscriptionId(42)))
        );
        assert_eq!(verify(b"another key", &t), Err(Refused::Invalid));
        let forged = t.replacen("s42", "s43", 1);
        assert_eq!(verify(key, &forged), Err(Refused::Invalid));
        let member = token(key, Target::Member(UserId(7)));
        assert_eq!(verify(key, &member), Ok(Target::Member(UserId(7))));
        assert_eq!(verify(key, "garbage"), Err(Refused::Invalid));
    }

    #[test]
    fn member_tokens_expire_and_their_day_cannot_be_moved() {
        let key = b"0123456789abcdef0123456789abcdef";
        let day = 20_000;
        let member = token_issued(key, Target::Member(UserId(7)), day);
        let last = day + MEMBER_TOKEN_DAYS;
        assert_eq!(verify_on(key, &member, last), Ok(Target::Member(UserId(7))));
        assert_eq!(verify_on(key, &member, last + 1), Err(Refused::Expired));
        let moved = member.replacen(&format!("-{day}"), &format!("-{}", last + 1), 1);
        assert_eq!(verify_on(key, &moved, last + 1), Err(Refused::Invalid));
        // A subscription's token ends only that subscription and does not expire.
        let one = token_issued(key, Target::Subscription(SubscriptionId(3)), day);
        assert_eq!(
            verify_on(key, &one, day + 10 * MEMBER_TOKEN_DAYS),
            Ok(Target::Subscription(SubscriptionId(3)))
        );
    }
}
