//! What an announcement names. Rust speaks of tags as [`Tag`]s; on the channel (and in
//! the triggers and `parley_reply_tags` of the migrations) they are words: `thread:7`,
//! `forum:2`, `user:42`, `forums`, `forum-places`, `all`.

use std::fmt;
use std::str::FromStr;

use crate::ids::{ForumId, ThreadId, UserId};

/// One thing whose change makes copies of it stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// A thread's pages: its posts, title, state.
    Thread(ThreadId),
    /// A forum's thread list.
    Forum(ForumId),
    /// A member's name, role and post count, shown beside each of their posts.
    User(UserId),
    /// The forum start: categories, forums and their counters.
    Forums,
    /// Which category and forum each forum is (see `forums::places`).
    ForumPlaces,
    All,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Thread(id) => write!(f, "thread:{id}"),
            Tag::Forum(id) => write!(f, "forum:{id}"),
            Tag::User(id) => write!(f, "user:{id}"),
            Tag::Forums => f.write_str("forums"),
            Tag::ForumPlaces => f.write_str("forum-places"),
            Tag::All => f.write_str("all"),
        }
    }
}

/// An announcement that names no [`Tag`] this build knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown change tag {0:?}")]
pub struct UnknownTag(pub String);

impl FromStr for Tag {
    type Err = UnknownTag;

    fn from_str(word: &str) -> Result<Tag, UnknownTag> {
        let unknown = || UnknownTag(word.to_string());
        let id = |digits: &str| digits.parse::<i64>().map_err(|_| unknown());
        match word.split_once(':') {
            Some(("thread", n)) => Ok(Tag::Thread(ThreadId(id(n)?))),
            Some(("forum", n)) => Ok(Tag::Forum(ForumId(id(n)?))),
            Some(("user", n)) => Ok(Tag::User(UserId(id(n)?))),
            Some(_) => Err(unknown()),
            None => match word {
                "forums" => Ok(Tag::Forums),
                "forum-places" => Ok(Tag::ForumPlaces),
                "all" => Ok(Tag::All),
                _ => Err(unknown()),
            },
        }
    }
}

/// The tags of `words` (from SQL), each word that names none taken as [`Tag::All`]: a
/// copy dropped too often costs a rendering, one kept too long shows old content.
pub fn parse_all<S: AsRef<str>>(words: &[S]) -> Vec<Tag> {
    words.iter().map(|w| parse_or_all(w.as_ref())).collect()
}

/// The tag `word` names, or [`Tag::All`] (logged) when it names none.
pub fn parse_or_all(word: &str) -> Tag {
    word.parse().unwrap_or_else(|e: UnknownTag| {
        tracing::warn!("{e}: dropping every kept copy");
        Tag::All
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_tags_round_trip() {
        for tag in [
            Tag::Thread(ThreadId(7)),
            Tag::Forum(ForumId(2)),
            Tag::User(UserId(42)),
            Tag::Forums,
            Tag::ForumPlaces,
            Tag::All,
        ] {
            assert_eq!(tag.to_string().parse::<Tag>(), Ok(tag));
        }
        assert_eq!("thread:7".parse::<Tag>(), Ok(Tag::Thread(ThreadId(7))));
    }

    #[test]
    fn unknown_words_are_refused_and_read_as_everything() {
        for word in ["thread:", "thread:x", "post:3", "forum", "", "everything"] {
            assert!(word.parse::<Tag>().is_err(), "{word}");
        }
        assert_eq!(
            parse_all(&["forums", "bogus:1"]),
            vec![Tag::Forums, Tag::All]
        );
    }
}
