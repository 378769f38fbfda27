//! Cursor paging: a list answers with `next_cursor`, an opaque word that asks for the items
//! after the last one shown. Cursors name a place in the order, not a page number, so new
//! posts do not shift what the next call returns.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::error::{ApiError, ApiResult};

/// Items a list returns unless asked otherwise.
pub const DEFAULT_LIMIT: i64 = 25;
/// Most items one call returns.
pub const MAX_LIMIT: i64 = 100;

/// `?cursor=…&limit=…`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// `next_cursor` of the previous answer; absent for the first items.
    pub cursor: Option<String>,
    /// How many items (1–100, 25 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl Paging {
    /// The number of items asked for; 400 outside 1–100.
    pub fn limit(&self) -> ApiResult<i64> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request(format!(
                "limit is between 1 and {MAX_LIMIT}."
            ))),
        }
    }
}

/// Where a list stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// After this item of a list by latest activity, newest first.
    Activity { at: DateTime<Utc>, id: i64 },
    /// After this number in a list counted up (post positions, result offsets).
    After(i64),
}

impl Cursor {
    /// The cursor as sent to clients.
    pub fn encode(self) -> String {
        let plain = match self {
            Cursor::Activity { at, id } => format!("a{}.{id}", at.timestamp_micros()),
            Cursor::After(n) => format!("n{n}"),
        };
        URL_SAFE_NO_PAD.encode(plain)
    }

    /// A cursor sent back; 400 for anything this server did not make.
    pub fn decode(word: &str) -> ApiResult<Cursor> {
        let bad = || ApiError::bad_request("This cursor is not one this API gave out.");
        let bytes = URL_SAFE_NO_PAD.decode(word).map_err(|_| bad())?;
        let plain = std::str::from_utf8(&bytes).map_err(|_| bad())?;
        if let Some(rest) = plain.strip_prefix('a') {
            let (micros, id) = rest.split_once('.').ok_or_else(bad)?;
            let at = micros
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(bad)?;
            let id = id.parse::<i64>().map_err(|_| bad())?;
            return Ok(Cursor::Activity { at, id });
        }
        let n = plain
            .strip_prefix('n')
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(bad)?;
        Ok(Cursor::After(n))
    }

    /// The paging's cursor, which must be of the list's kind (`activity`, or counted).
    pub fn of(paging: &Paging, activity: bool) -> ApiResult<Option<Cursor>> {
        let Some(word) = &paging.cursor else {
            return Ok(None);
        };
        let cursor = Cursor::decode(word)?;
        match (cursor, activity) {
            (Cursor::Activity { .. }, true) | (Cursor::After(_), false) => Ok(Some(cursor)),
            _ => Err(ApiError::bad_request(
                "This cursor belongs to another list.",
            )),
        }
    }
}

/// Keeps the first `limit` of `rows` (fetched one more than asked) and the cursor after the
/// last kept, when there were more.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    cursor: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|last| cursor(last).encode()))
        .flatten();
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_come_back_as_they_went_and_strangers_are_refused() {
        let at = DateTime::from_timestamp_micros(1_765_000_000_123_456).unwrap();
        for cursor in [Cursor::Activity { at, id: 42 }, Cursor::After(7)] {
            assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        }
        for word in ["", "!!", "eDE", "YQ", "bi0x", "YTEyLng"] {
            assert!(Cursor::decode(word).is_err(), "{word}");
        }
    }

    #[test]
    fn a_page_has_a_next_cursor_only_when_more_follow() {
        let (rows, next) = page(vec![1, 2, 3], 2, |n| Cursor::After(*n));
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next, Some(Cursor::After(2).encode()));
        let (rows, next) = page(vec![1, 2], 2, |n| Cursor::After(*n));
        assert_eq!((rows.len(), next), (2, None));
    }
}
