//! Two-factor log-in: time-based codes (RFC 6238 with HMAC-SHA1, six digits, 30-second
//! steps, which every authenticator app understands), the QR code that carries the secret
//! to the app, and one-time recovery codes.

use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

use crate::accounts::store;

/// Seconds each code lasts.
pub const STEP_SECONDS: u64 = 30;
/// Digits of a code.
const DIGITS: usize = 6;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// How long a password-checked log-in waits for its second step.
pub const CHALLENGE_MINUTES: i64 = 10;
/// How long "Trust this device" lasts.
pub const TRUST_DAYS: i64 = 30;

/// A new secret: 160 random bits, the length RFC 4226 recommends for HMAC-SHA1.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill(&mut secret[..]);
    secret
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> TOTP {
    // A colon separates issuer and account in the label, so neither may hold one.
    let clean = |s: &str| s.replace(':', " ");
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECONDS,
        secret.to_vec(),
        Some(clean(issuer)),
        clean(account),
    )
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn setup_url(secret: &[u8], site_name: &str, username: &str) -> String {
    totp(secret, site_name, username).get_url()
}

/// The secret as base32 in groups of four, for typing into an app by hand.
pub fn secret_text(secret: &[u8]) -> String {
    let plain = totp(secret, "", "").get_secret_base32();
    let chars: Vec<char> = plain.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `url` as an inline SVG image.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in a page, the XML declaration is not allowed; the image needs a name.
    let body = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
    body.replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" class=\"qr\" ",
        1,
    )
}

/// A typed code without the spaces apps show in the middle, if it is six digits.
pub fn typed_code(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The time step `code` belongs to, if it is the code of the step at `unix_seconds` or of
/// the step before or after (clocks drift; a code typed as it changes still counts).
/// Comparison takes the same time whichever digits differ.
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: u64) -> Option<i64> {
    let code = typed_code(code)?;
    let totp = totp(secret, "", "");
    let now = unix_seconds / STEP_SECONDS;
    let mut found = None;
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * STEP_SECONDS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            found = Some(step as i64);
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Letters and digits that cannot be mistaken for one another when copied from paper.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// New recovery codes, as shown to the member: sixteen characters (about 79 bits) in four
/// groups, so that a stolen table of their hashes cannot be searched.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..16)
                .map(|_| RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            chars
                .chunks(4)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The SHA-256 a recovery code is kept as, whatever case, spaces or dashes it is typed with.
pub fn hash_recovery_code(typed: &str) -> Vec<u8> {
    let plain: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(plain.as_bytes()).to_vec()
}

/// Whether something typed looks like a recovery code rather than an app's code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 16
}

/// Checks a code the member typed, an app's or a recovery code, and uses it up: an app's
/// code works once, and not if a later one was already used. False for anything else.
pub async fn accept_code(
    conn: &mut diesel_async::AsyncPgConnection,
    user: crate::ids::UserId,
    typed: &str,
) -> diesel::QueryResult<bool> {
    if looks_like_recovery_code(typed) {
        return store::use_recovery_code(conn, user, &hash_recovery_code(typed)).await;
    }
    let Some(secret) = store::second_factor(conn, user).await?.secret else {
        return Ok(false);
    };
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    match matching_step(&secret, typed, now) {
        Some(step) => store::use_step(conn, user, step).await,
        None => Ok(false),
    }
}

/// The site setting that requires a second factor of staff.
pub const STAFF_SETTING: &str = "staff_two_factor";

/// Whether administrators require staff to log in with a second factor.
pub async fn required_of_staff(
    conn: &mut diesel_async::AsyncPgConnection,
) -> diesel::QueryResult<bool> {
    Ok(store::site_setting(conn, STAFF_SETTING).await?.as_deref() == Some("required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 key is the ASCII of "12345678901234567890", and
    /// at T = 59 s the eight-digit code is 94287082, whose last six digits an app shows.
    #[test]
    fn codes_follow_the_rfc_test_vector() {
        let secret = b"12345678901234567890";
        assert_eq!(totp(secret, "", "").generate(59), "287082");
        assert_eq!(matching_step(secret, "287 082", 59), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 30), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 90), None);
        // T = 1111111109 gives 07081804.
        assert_eq!(
            matching_step(secret, "081804", 1_111_111_109),
            Some(37_037_036)
        );
    }

    #[test]
    fn typed_codes_are_six_digits() {
        assert_eq!(typed_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(typed_code("12345"), None);
        assert_eq!(typed_code("12345a"), None);
    }

    #[test]
    fn recovery_codes_are_unique_and_hash_alike_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert!(looks_like_recovery_code(code));
        assert_eq!(
            hash_recovery_code(code),
            hash_recovery_code(&code.to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn the_secret_reads_as_base32_and_the_qr_code_is_inline_svg() {
        let secret = new_secret();
        let text = secret_text(&secret);
        assert_eq!(text.replace(' ', "").len(), 32);
        let url = setup_url(&secret, "Parley: test", "ann");
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&text.replace(' ', "")));
        let svg = qr_svg(&url);
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
    }
}
