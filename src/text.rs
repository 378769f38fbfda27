//! Small text helpers shared across features.

/// Percent-encodes every byte but unreserved characters (RFC 3986) and those in `keep`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    push_percent_encoded(&mut out, text, keep);
    out
}

/// [`percent_encode`], appending to `out`.
pub fn push_percent_encoded(out: &mut String, text: &str, keep: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b)
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Whether `bytes` (raw or percent-encoded) carry a NUL character, which PostgreSQL
/// cannot store in text.
pub fn carries_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"))
}

/// A `LIKE`/`ILIKE` pattern matching any text that contains `needle` literally.
pub fn contains_pattern(needle: &str) -> String {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `count` and the noun, singular for one ("1 device", "3 devices").
pub fn counted(count: impl Into<i64>, singular: &str, plural: &str) -> String {
    let count = count.into();
    let noun = if count == 1 { singular } else { plural };
    format!("{count} {noun}")
}

/// `text` cut to at most `max` characters, with "…" when something was cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(
            super::percent_encode("/t/1?page=2 ü", b"/"),
            "/t/1%3Fpage%3D2%20%C3%BC"
        );
        assert_eq!(super::percent_encode("/tmp/x", b""), "%2Ftmp%2Fx");
    }

    #[test]
    fn like_patterns_are_literal() {
        assert_eq!(super::contains_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }
}
