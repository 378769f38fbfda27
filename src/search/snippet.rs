//! Search snippets, cut in Rust from a post's plain text: the passages where the searched
//! words are densest, each word whose English stem is a searched lexeme marked.
//!
//! PostgreSQL's `ts_headline` re-parses every shown post and cost more than the search
//! itself; the Snowball English stemmer here is the one PostgreSQL's `english` config uses.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use crate::search::store::{MARK_END, MARK_START};

/// Words a passage shows.
const PASSAGE_WORDS: usize = 24;
/// Words shown before the first match of a passage.
const LEAD_WORDS: usize = 4;
/// Passages at most.
const PASSAGES: usize = 2;

/// The lexemes a query looks for, read from PostgreSQL's `querytree` text (`'custom' &
/// !'angri'`); negated ones are left out, since they never appear in a hit.
pub fn wanted_lexemes(query_tree: &str) -> Vec<String> {
    let mut lexemes = Vec::new();
    let mut chars = query_tree.chars().peekable();
    let mut negated = false;
    while let Some(c) = chars.next() {
        match c {
            '!' => negated = true,
            '\'' => {
                let mut lexeme = String::new();
                while let Some(c) = chars.next() {
                    if c == '\'' {
                        // A doubled quote is a quote inside the lexeme.
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                            lexeme.push('\'');
                            continue;
                        }
                        break;
                    }
                    lexeme.push(c);
                }
                if !negated && !lexemes.contains(&lexeme) {
                    lexemes.push(lexeme);
                }
                negated = false;
            }
            c if c.is_whitespace() || c == '(' => {}
            _ => negated = false,
        }
    }
    lexemes
}

/// Cuts snippets for one page of results, remembering which words matched: the same
/// words recur from post to post, and stemming is most of a snippet's cost.
pub struct Highlighter {
    stemmer: Stemmer,
    lexemes: Vec<String>,
    seen: HashMap<String, bool, foldhash::fast::RandomState>,
}

impl Highlighter {
    /// A highlighter of the words whose stem is one of `lexemes`.
    pub fn new(lexemes: Vec<String>) -> Highlighter {
        Highlighter {
            stemmer: Stemmer::create(Algorithm::English),
            lexemes,
            seen: HashMap::default(),
        }
    }

    /// Up to two passages of `text` around the matching words, joined by " … ", the
    /// matches between [`MARK_START`] and [`MARK_END`]; the opening words when nothing
    /// matches.
    pub fn snippet(&mut self, text: &str) -> String {
        let words: Vec<&str> = text.split_whitespace().collect();
        let matched: Vec<bool> = words.iter().map(|word| self.matches(word)).collect();
        cut(&words, &matched)
    }

    /// Whether a word of the text, punctuation aside, stems to one of the lexemes.
    fn matches(&mut self, word: &str) -> bool {
        if let Some(&known) = self.seen.get(word) {
            return known;
        }
        let found = word
            .split(|c: char| !c.is_alphanumeric())
            .filter(|part| !part.is_empty())
            .any(|part| {
                // Stems keep the word's first letter: most words are ruled out before they
                // are lowercased and stemmed.
                let first = part
                    .chars()
                    .next()
                    .into_iter()
                    .flat_map(char::to_lowercase)
                    .next();
                first.is_some_and(|first| self.lexemes.iter().any(|l| l.starts_with(first))) && {
                    let stem = self.stemmer.stem(&part.to_lowercase()).into_owned();
                    self.lexemes.contains(&stem)
                }
            });
        self.seen.insert(word.to_string(), found);
        found
    }
}

/// The passages of `words` with the most matches, marked.
fn cut(words: &[&str], matched: &[bool]) -> String {
    let mut passages: Vec<usize> = Vec::new();
    let hits: Vec<usize> = (0..words.len()).filter(|&i| matched[i]).collect();
    // Greedy: the start whose window holds the most matches, then the best that does not overlap.
    while passages.len() < PASSAGES {
        let best = hits
            .iter()
            .map(|&i| i.saturating_sub(LEAD_WORDS))
            .filter(|start| {
                passages
                    .iter()
                    .all(|taken| start + PASSAGE_WORDS <= *taken || *start >= taken + PASSAGE_WORDS)
            })
            .map(|start| {
                let count = hits
                    .iter()
                    .filter(|&&i| i >= start && i < start + PASSAGE_WORDS)
                    .count();
                (count, std::cmp::Reverse(start))
            })
            .max();
        match best {
            Some((_, std::cmp::Reverse(start))) => passages.push(start),
            None => break,
        }
    }
    if passages.is_empty() {
        passages.push(0);
    }
    passages.sort_unstable();
    let mut out = String::new();
    for (n, &start) in passages.iter().enumerate() {
        let end = (start + PASSAGE_WORDS).min(words.len());
        if n > 0 || start > 0 {
            out.push_str(if n > 0 { " … " } else { "… " });
        }
        for i in start..end {
            if i > start {
                out.push(' ');
            }
            if matched[i] {
                mark(&mut out, words[i]);
            } else {
                out.push_str(words[i]);
            }
        }
        if n + 1 == passages.len() && end < words.len() {
            out.push_str(" …");
        }
    }
    out
}

/// Marks a word, leaving its surrounding punctuation outside the mark.
fn mark(out: &mut String, word: &str) {
    let start = word.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
    let end = word
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(word.len(), |i| {
            i + word[i..].chars().next().map_or(1, char::len_utf8)
        });
    out.push_str(&word[..start]);
    out.push(MARK_START);
    out.push_str(&word[start..end]);
    out.push(MARK_END);
    out.push_str(&word[end..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, lexemes: &[String]) -> String {
        Highlighter::new(lexemes.to_vec()).snippet(text)
    }

    fn shown(s: &str) -> String {
        s.replace(MARK_START, "[").replace(MARK_END, "]")
    }

    #[test]
    fn lexemes_come_from_the_query_tree_without_negated_ones() {
        assert_eq!(
            wanted_lexemes("'custom' & 'refund' & !'angri' & ( 'call' <-> 'back' )"),
            ["custom", "refund", "call", "back"]
        );
        assert_eq!(wanted_lexemes("'o''brien'"), ["o'brien"]);
        assert!(wanted_lexemes("").is_empty());
    }

    #[test]
    fn words_are_matched_by_stem_and_marked_inside_punctuation() {
        let lexemes = wanted_lexemes("'custom' & 'refund'");
        assert_eq!(
            shown(&snippet(
                "Customers asked (refunds), nothing else.",
                &lexemes
            )),
            "[Customers] asked ([refunds]), nothing else."
        );
    }

    #[test]
    fn long_texts_show_the_densest_passages() {
        let mut text: Vec<String> = (0..100).map(|i| format!("filler{i}")).collect();
        text[60] = "refund".into();
        text[62] = "refund".into();
        text[10] = "refund".into();
        let got = shown(&snippet(&text.join(" "), &["refund".to_string()]));
        assert!(got.starts_with("… filler6 "), "{got}");
        assert!(got.contains("[refund] filler61 [refund]"), "{got}");
        assert!(got.ends_with(" …"), "{got}");
        assert_eq!(got.matches('[').count(), 3, "{got}");
    }

    #[test]
    fn without_a_match_the_opening_words_are_shown() {
        let text = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let got = snippet(&text, &["absent".to_string()]);
        assert!(got.starts_with("w0 w1"));
        assert!(got.ends_with("w23 …"));
    }
}
