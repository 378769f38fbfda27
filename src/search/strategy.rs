//! How a search finds its candidates without being planned on every run.
//!
//! A search ranks the newest matches of its words. For a common word the cheapest way is
//! to walk the newest rows and keep those that match; for a rare one it is to read every
//! match from the full-text index. PostgreSQL's planner picks between the two when it sees
//! the words, but planning cost about as much as running the statement. So the statements
//! are kept prepared, one per way, and the way is picked here from the same statistics the
//! planner would read: how many rows hold each of the most common lexemes.

use std::collections::HashMap;
use std::time::Duration;

use crate::cache::Timed;

/// How long statistics are used before they are read again (PostgreSQL refreshes them
/// when autovacuum analyses a table, which takes far longer to matter).
pub const MAX_AGE: Duration = Duration::from_secs(600);

/// The statistics of both searched columns, read at most once per [`MAX_AGE`].
pub type LexemeCache = Timed<LexemeStats>;

/// How common lexemes are in post bodies and in thread titles.
#[derive(Debug, Clone, Default)]
pub struct LexemeStats {
    /// `posts.body_tsv`.
    pub bodies: ColumnStats,
    /// `threads.title_tsv`.
    pub titles: ColumnStats,
}

/// How common lexemes are in one column, as PostgreSQL last counted them.
#[derive(Debug, Clone, Default)]
pub struct ColumnStats {
    /// Rows of the table; 0 while PostgreSQL has not counted them.
    pub rows: f64,
    /// The share of rows holding each of the most common lexemes.
    pub common: HashMap<String, f64>,
    /// The share assumed for any other lexeme; `None` while the column has no statistics.
    pub other: Option<f64>,
}

/// The planner's share for a lexeme it has no statistics of.
const DEFAULT_SHARE: f64 = 0.005;

impl ColumnStats {
    /// Statistics from PostgreSQL's `pg_stats` columns `most_common_elems` and
    /// `most_common_elem_freqs` (one share per lexeme, then the lowest and the highest).
    pub fn from_pg(rows: f64, lexemes: Vec<String>, shares: &[f32]) -> ColumnStats {
        let lowest = shares.get(lexemes.len()).copied();
        let common = lexemes
            .into_iter()
            .zip(shares.iter().map(|&s| f64::from(s)))
            .collect();
        ColumnStats {
            rows: rows.max(0.0),
            common,
            // As the planner estimates: half the rarest counted lexeme, at most the default.
            other: lowest.map(|lowest| (f64::from(lowest) / 2.0).min(DEFAULT_SHARE)),
        }
    }

    /// The share of rows a query matches, from its `querytree` text; `None` when the
    /// column has no statistics or the text cannot be read.
    pub fn share(&self, query_tree: &str) -> Option<f64> {
        let other = self.other?;
        let tokens = tokens(query_tree)?;
        let mut reader = Reader {
            tokens: &tokens,
            at: 0,
            stats: self,
            other,
        };
        let share = reader.any()?;
        (reader.at == tokens.len()).then_some(share.clamp(0.0, 1.0))
    }

    /// The cheaper way to find the `wanted` newest matches of a query, when walking one
    /// row costs `walk_cost` times reading one match from the index. Walking visits about
    /// `wanted / share` rows, the index `share × rows`; without statistics, the index.
    pub fn way(&self, query_tree: &str, wanted: f64, walk_cost: f64) -> Way {
        match self.share(query_tree) {
            Some(share) if share * share * self.rows >= wanted * walk_cost => Way::Newest,
            _ => Way::Index,
        }
    }
}

/// How a statement finds its candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// Walks the newest rows and keeps the matching ones.
    Newest,
    /// Reads every match from the full-text index and keeps the newest.
    Index,
}

/// One piece of a `querytree` text.
#[derive(Debug, PartialEq)]
enum Token {
    Lexeme(String),
    /// What no index can answer (a query of negations only): every row may match.
    Everything,
    And,
    Or,
    Not,
    /// `<->` or `<N>`: the planner estimates a phrase as both words.
    Followed,
    Open,
    Close,
}

/// The pieces of a `querytree` text such as `'call' <-> 'back' | !'angri' & 'o''brien':*`.
fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '&' => tokens.push(Token::And),
            '|' => tokens.push(Token::Or),
            '!' => tokens.push(Token::Not),
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            'T' => tokens.push(Token::Everything),
            '<' => {
                // `<->` or `<3>`: only the operator matters, not the distance.
                chars.by_ref().find(|&c| c == '>')?;
                tokens.push(Token::Followed);
            }
            '\'' => {
                let mut lexeme = String::new();
                loop {
                    match chars.next()? {
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                            lexeme.push('\'');
                        }
                        '\'' => break,
                        c => lexeme.push(c),
                    }
                }
                // A weight or prefix mark (`:*`, `:AB`) narrows a lexeme; its share stays.
                if chars.peek() == Some(&':') {
                    while chars
                        .next_if(|c| *c == ':' || *c == '*' || c.is_ascii_uppercase())
                        .is_some()
                    {}
                }
                tokens.push(Token::Lexeme(lexeme));
            }
            _ => return None,
        }
    }
    Some(tokens)
}

/// Reads shares off tokens, binding as tsquery does: `!`, then phrases, then `&`, then `|`.
struct Reader<'a> {
    tokens: &'a [Token],
    at: usize,
    stats: &'a ColumnStats,
    other: f64,
}

impl Reader<'_> {
    fn eat(&mut self, token: &Token) -> bool {
        let found = self.tokens.get(self.at) == Some(token);
        self.at += usize::from(found);
        found
    }

    /// Either side: the planner's independent union.
    fn any(&mut self) -> Option<f64> {
        let mut share = self.all()?;
        while self.eat(&Token::Or) {
            let next = self.all()?;
            share = share + next - share * next;
        }
        Some(share)
    }

    /// Both sides: independent, so the product.
    fn all(&mut self) -> Option<f64> {
        let mut share = self.phrase()?;
        while self.eat(&Token::And) {
            share *= self.phrase()?;
        }
        Some(share)
    }

    fn phrase(&mut self) -> Option<f64> {
        let mut share = self.one()?;
        while self.eat(&Token::Followed) {
            share *= self.one()?;
        }
        Some(share)
    }

    fn one(&mut self) -> Option<f64> {
        let token = self.tokens.get(self.at)?;
        self.at += 1;
        match token {
            Token::Not => Some(1.0 - self.one()?),
            Token::Open => {
                let share = self.any()?;
                self.eat(&Token::Close).then_some(share)
            }
            Token::Everything => Some(1.0),
            Token::Lexeme(lexeme) => {
                Some(self.stats.common.get(lexeme).copied().unwrap_or(self.other))
            }
            Token::And | Token::Or | Token::Followed | Token::Close => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> ColumnStats {
        ColumnStats::from_pg(
            200_000.0,
            vec!["custom".into(), "refund".into(), "o'brien".into()],
            &[0.8, 0.5, 0.02, 0.02, 0.8],
        )
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-6)
    }

    #[test]
    fn shares_combine_as_the_planner_combines_them() {
        let s = stats();
        assert!(close(s.share("'custom'"), 0.8));
        // Unknown: half the rarest counted share, at most the planner's default.
        assert!(close(s.share("'zanzibar'"), 0.005));
        assert!(close(s.share("'custom' & 'refund'"), 0.4));
        assert!(close(s.share("'custom' <-> 'refund'"), 0.4));
        assert!(close(s.share("'custom' <2> 'refund'"), 0.4));
        assert!(close(s.share("'custom' | 'refund'"), 0.9));
        assert!(close(s.share("!'custom'"), 0.2));
        assert!(close(
            s.share("'refund' & ( 'custom' | 'zanzibar' )"),
            0.5 * 0.801
        ));
        // `&` binds before `|`.
        assert!(close(
            s.share("'zanzibar' | 'custom' & 'refund'"),
            0.005 + 0.4 - 0.002
        ));
        assert!(close(s.share("'o''brien':*"), 0.02));
        assert!(close(s.share("T"), 1.0));
    }

    #[test]
    fn what_cannot_be_read_has_no_share() {
        let s = stats();
        for broken in ["'custom' &", "( 'custom'", "'custom' )", "'unclosed", "?"] {
            assert_eq!(s.share(broken), None, "{broken}");
        }
        assert_eq!(ColumnStats::default().share("'custom'"), None);
    }

    #[test]
    fn common_words_walk_the_newest_rows_and_rare_ones_read_the_index() {
        let s = stats();
        assert_eq!(s.way("'custom'", 200.0, 2.0), Way::Newest);
        assert_eq!(s.way("'custom' & 'refund'", 200.0, 2.0), Way::Newest);
        assert_eq!(s.way("'zanzibar'", 200.0, 2.0), Way::Index);
        assert_eq!(s.way("'custom' & 'zanzibar'", 200.0, 2.0), Way::Index);
        // A small forum reads the index whatever the words.
        let small = ColumnStats { rows: 300.0, ..s };
        assert_eq!(small.way("'custom'", 200.0, 2.0), Way::Index);
        // No statistics yet: the index, which is never slow on a table not yet counted.
        assert_eq!(
            ColumnStats::default().way("'custom'", 200.0, 2.0),
            Way::Index
        );
    }
}
