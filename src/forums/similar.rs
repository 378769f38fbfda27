//! The "Similar questions" index: every public question's title kept in memory as its
//! trigrams (the way `pg_trgm` cuts them) and its full-text lexemes (read from
//! `title_tsv`, so PostgreSQL's own parser and stemmer made them), with a posting list of
//! titles for each. A title being typed is scored against the titles sharing a trigram
//! with it, without a statement; the best few are then read through the visibility rule
//! in one statement by id, so a question hidden, held or merged since the index was read
//! never shows, and its state is always current.
//!
//! Asking PostgreSQL for the nearest titles (`<->` over a GiST index, then `similarity()`)
//! cost each keystroke far more than a page (see `bench/RESULTS-similar.md`).
//!
//! The copy is read again when a Questions forum announces a change and the copy is older
//! than [`MIN_AGE`], or when it is older than [`MAX_AGE`]: a question asked a moment ago may
//! take that long to be suggested.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use rust_stemmers::{Algorithm, Stemmer};

use crate::changes::{Changes, Tag};
use crate::forums::store;
use crate::ids::{ForumId, ThreadId};

/// A copy younger than this is used whatever changed since.
pub const MIN_AGE: Duration = Duration::from_secs(5);
/// The oldest a copy gets.
pub const MAX_AGE: Duration = Duration::from_secs(120);
/// Trigram similarity from which a title counts as similar (`pg_trgm`'s default).
pub const THRESHOLD: f32 = 0.3;
/// Candidates read from the database for every title typed.
const CANDIDATES: usize = 20;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The trigrams of `text` as `pg_trgm` makes them: each run of letters and digits,
/// lower-cased and padded with two blanks before and one after, cut into every three
/// characters in a row; each trigram once, packed into a number.
pub fn trigrams(text: &str) -> Vec<u64> {
    let mut found = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let padded: Vec<char> = "  "
            .chars()
            .chain(word.chars().flat_map(char::to_lowercase))
            .chain(" ".chars())
            .collect();
        for three in padded.windows(3) {
            found.push(
                three
                    .iter()
                    .fold(0u64, |acc, &c| (acc << 21) | u64::from(c)),
            );
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// One title in the index: its thread and where its trigrams lie in [`Index::grams`].
struct Entry {
    id: ThreadId,
    grams: std::ops::Range<u32>,
}

/// One reading of every public question's title.
struct Index {
    seq: u64,
    read_at: Instant,
    forums: Vec<ForumId>,
    entries: Vec<Entry>,
    /// Every title's trigrams, sorted within each title.
    grams: Vec<u64>,
    /// The fewest trigrams of any title.
    fewest: usize,
    by_trigram: Map<u64, Vec<u32>>,
    by_lexeme: Map<String, Vec<u32>>,
}

/// A question whose title is like the one typed, with how alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub id: ThreadId,
    /// The share of the typed title's words the title has, plus its trigram similarity.
    pub score: f32,
}

/// How many of two sorted lists' items they share.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, n) = (i + 1, j + 1, n + 1),
        }
    }
    n
}

impl Index {
    fn build(seq: u64, forums: Vec<ForumId>, titles: Vec<store::QuestionTitle>) -> Index {
        let mut index = Index {
            seq,
            read_at: Instant::now(),
            forums,
            entries: Vec::with_capacity(titles.len()),
            grams: Vec::new(),
            fewest: usize::MAX,
            by_trigram: Map::default(),
            by_lexeme: Map::default(),
        };
        for title in titles {
            let at = index.entries.len() as u32;
            let grams = trigrams(&title.title);
            for gram in &grams {
                index.by_trigram.entry(*gram).or_default().push(at);
            }
            let mut lexemes: Vec<&str> =
                title.lexemes.split(' ').filter(|l| !l.is_empty()).collect();
            lexemes.sort_unstable();
            lexemes.dedup();
            for lexeme in lexemes {
                index
                    .by_lexeme
                    .entry(lexeme.to_string())
                    .or_default()
                    .push(at);
            }
            index.fewest = index.fewest.min(grams.len());
            let from = index.grams.len() as u32;
            index.grams.extend_from_slice(&grams);
            index.entries.push(Entry {
                id: title.id,
                grams: from..index.grams.len() as u32,
            });
        }
        index
    }

    fn grams_of(&self, entry: &Entry) -> &[u64] {
        &self.grams[entry.grams.start as usize..entry.grams.end as usize]
    }

    /// Trigrams a title of `trigrams` must share with a typed title of `typed` trigrams
    /// to reach [`THRESHOLD`]: from c >= THRESHOLD * (typed + title - c), less a hair so
    /// that rounding never asks for one more than the exact bound.
    fn needed(typed: usize, title: usize) -> usize {
        (THRESHOLD * (typed + title) as f32 / (1.0 + THRESHOLD) - 1e-3).ceil() as usize
    }

    /// The titles that may reach [`THRESHOLD`] with `grams`, with how many of the rarest
    /// trigrams they share, and how many common ones were not counted. A title alike
    /// enough shares at least `need` trigrams (computed for the shortest title), so one of
    /// the `grams.len() - need + 1` rarest: the most common trigrams, whose lists are the
    /// longest, are never walked, and a title that cannot make up its own bound with the
    /// uncounted ones is left out without looking at its trigrams.
    fn maybe_alike(&self, grams: &[u64], shared: &mut [u16], touched: &mut Vec<u32>) -> usize {
        let mut lists: Vec<&[u32]> = grams
            .iter()
            .map(|g| self.by_trigram.get(g).map_or(&[][..], Vec::as_slice))
            .collect();
        lists.sort_unstable_by_key(|list| list.len());
        let need = Index::needed(grams.len(), self.fewest).clamp(1, grams.len());
        let walked = grams.len() + 1 - need;
        for list in &lists[..walked] {
            for &at in *list {
                let count = &mut shared[at as usize];
                if *count == 0 {
                    touched.push(at);
                }
                *count += 1;
            }
        }
        grams.len() - walked
    }

    /// The best [`CANDIDATES`] titles like `typed`, best first.
    fn candidates(&self, typed: &str, stemmer: &Stemmer) -> Vec<Candidate> {
        let grams = trigrams(typed);
        if grams.is_empty() {
            return Vec::new();
        }
        let mut shared = vec![0u16; self.entries.len()];
        let mut touched = Vec::new();
        let unwalked = self.maybe_alike(&grams, &mut shared, &mut touched);
        // Words no title has (stop words among them, which `title_tsv` never holds) do
        // not decide anything. A title with every other word is a candidate too.
        let mut lexemes: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
            .filter(|l| self.by_lexeme.contains_key(l))
            .collect();
        lexemes.sort_unstable();
        lexemes.dedup();
        let mut words = vec![0u16; self.entries.len()];
        for lexeme in &lexemes {
            for &at in &self.by_lexeme[lexeme] {
                words[at as usize] += 1;
                if usize::from(words[at as usize]) == lexemes.len() && shared[at as usize] == 0 {
                    touched.push(at);
                }
            }
        }
        let mut found: Vec<Candidate> = touched
            .into_iter()
            .filter_map(|at| {
                let entry = &self.entries[at as usize];
                let words = words[at as usize];
                let all_words = !lexemes.is_empty() && usize::from(words) == lexemes.len();
                let length = (entry.grams.end - entry.grams.start) as usize;
                let bound = usize::from(shared[at as usize]) + unwalked;
                if !all_words && bound < Index::needed(grams.len(), length) {
                    return None;
                }
                let mine = self.grams_of(entry);
                let shared = common(&grams, mine);
                let union = grams.len() + mine.len() - shared;
                let similarity = shared as f32 / union.max(1) as f32;
                (all_words || similarity >= THRESHOLD).then(|| Candidate {
                    id: entry.id,
                    score: similarity + f32::from(words) / lexemes.len().max(1) as f32,
                })
            })
            .collect();
        found.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(b.id.0.cmp(&a.id.0)));
        found.truncate(CANDIDATES);
        found
    }
}

/// This node's index of question titles.
pub struct SimilarIndex {
    kept: RwLock<Option<Arc<Index>>>,
    /// One reading at a time; the others keep using the old copy meanwhile.
    reading: tokio::sync::Mutex<()>,
    changes: Arc<Changes>,
    stemmer: Stemmer,
}

impl SimilarIndex {
    /// An empty index whose freshness is judged by the announcements `changes` hears.
    pub fn new(changes: Arc<Changes>) -> SimilarIndex {
        SimilarIndex {
            kept: RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
            changes,
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// The public questions of the Questions forums `forums` whose titles are like
    /// `typed`, best first (at most [`CANDIDATES`]; the caller reads them through the
    /// visibility rule).
    pub async fn candidates(
        &self,
        conn: &mut AsyncPgConnection,
        forums: &[ForumId],
        typed: &str,
    ) -> QueryResult<Vec<Candidate>> {
        let index = self.current(conn, forums).await?;
        Ok(index.candidates(typed, &self.stemmer))
    }

    /// The kept copy if it is good enough, else a new reading (or, while another request
    /// reads one, the old copy).
    async fn current(
        &self,
        conn: &mut AsyncPgConnection,
        forums: &[ForumId],
    ) -> QueryResult<Arc<Index>> {
        let kept = self.kept.read().ok().and_then(|k| k.clone());
        if let Some(index) = &kept
            && self.fresh(index, forums)
        {
            return Ok(index.clone());
        }
        let _reading = match (&kept, self.reading.try_lock()) {
            (_, Ok(guard)) => guard,
            (Some(index), Err(_)) if index.forums == forums => return Ok(index.clone()),
            (_, Err(_)) => self.reading.lock().await,
        };
        // Another request may have read it while this one waited.
        if let Some(index) = self.kept.read().ok().and_then(|k| k.clone())
            && self.fresh(&index, forums)
        {
            return Ok(index);
        }
        let seq = self.changes.begin();
        let titles = store::question_titles(conn, forums).await?;
        let index = Arc::new(Index::build(seq, forums.to_vec(), titles));
        if self.changes.listening()
            && let Ok(mut kept) = self.kept.write()
        {
            *kept = Some(index.clone());
        }
        Ok(index)
    }

    fn fresh(&self, index: &Index, forums: &[ForumId]) -> bool {
        let age = index.read_at.elapsed();
        self.changes.listening()
            && index.forums == forums
            && age < MAX_AGE
            && (age < MIN_AGE
                || forums
                    .iter()
                    .all(|f| self.changes.unchanged_since(index.seq, Tag::Forum(*f))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(id: i64, title: &str, lexemes: &str) -> store::QuestionTitle {
        store::QuestionTitle {
            id: ThreadId(id),
            title: title.into(),
            lexemes: lexemes.into(),
        }
    }

    #[test]
    fn trigrams_are_cut_as_pg_trgm_cuts_them() {
        // pg_trgm: show_trgm('Cat') is {"  c"," ca","at ","cat"}.
        let pack = |s: &str| s.chars().fold(0u64, |acc, c| (acc << 21) | u64::from(c));
        let mut expected: Vec<u64> = ["  c", " ca", "cat", "at "].map(pack).to_vec();
        expected.sort_unstable();
        assert_eq!(trigrams("Cat"), expected);
        assert_eq!(trigrams("cat, CAT!"), expected);
        assert!(trigrams("  -- ").is_empty());
    }

    #[test]
    fn words_and_typos_both_find_their_titles() {
        let stemmer = Stemmer::create(Algorithm::English);
        let index = Index::build(
            0,
            vec![ForumId(1)],
            vec![
                title(
                    1,
                    "Angry customer wants a refund",
                    "angri custom refund want",
                ),
                title(2, "Refund after ninety days", "day nineti refund"),
                title(
                    3,
                    "Printer model XR-200 jams",
                    "200 jam model printer xr xr-200",
                ),
                title(4, "Shift swap rules", "rule shift swap"),
            ],
        );
        let ids = |typed: &str| -> Vec<i64> {
            index
                .candidates(typed, &stemmer)
                .iter()
                .map(|c| c.id.0)
                .collect()
        };
        // Every word (stop words aside) in the title: first; one word shared: below.
        let found = ids("the angry customers want refunds");
        assert_eq!(found.first(), Some(&1), "{found:?}");
        assert!(!found.contains(&4));
        // Typos: only trigrams match.
        assert_eq!(ids("angry custmer wnts refnd").first(), Some(&1));
        // A product code written another way.
        assert_eq!(ids("xr200 printer jam").first(), Some(&3));
        assert!(ids("completely unrelated topic").is_empty());
    }

    /// Every title scored, the slow way.
    fn every_title(index: &Index, typed: &str, stemmer: &Stemmer) -> Vec<Candidate> {
        let grams = trigrams(typed);
        let mut lexemes: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
            .filter(|l| index.by_lexeme.contains_key(l))
            .collect();
        lexemes.sort_unstable();
        lexemes.dedup();
        let mut found: Vec<Candidate> = index
            .entries
            .iter()
            .enumerate()
            .filter_map(|(at, entry)| {
                let mine = index.grams_of(entry);
                let shared = common(&grams, mine);
                let similarity = shared as f32 / (grams.len() + mine.len() - shared).max(1) as f32;
                let words = lexemes
                    .iter()
                    .filter(|l| index.by_lexeme[*l].contains(&(at as u32)))
                    .count();
                let all = !lexemes.is_empty() && words == lexemes.len();
                (!grams.is_empty() && (all || similarity >= THRESHOLD)).then(|| Candidate {
                    id: entry.id,
                    score: similarity + words as f32 / lexemes.len().max(1) as f32,
                })
            })
            .collect();
        found.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(b.id.0.cmp(&a.id.0)));
        found.truncate(CANDIDATES);
        found
    }

    #[test]
    fn skipping_the_common_trigrams_loses_no_title() {
        use rand::{Rng, SeedableRng};
        let words = [
            "refund", "caller", "angry", "printer", "jam", "xr", "200", "shift", "swap", "a",
            "the", "policy", "late", "parcel", "ab", "abc", "invoice", "e4521", "scan", "tone",
        ];
        let stemmer = Stemmer::create(Algorithm::English);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let phrase = |rng: &mut rand::rngs::StdRng, most: usize| {
            (0..rng.random_range(1..=most))
                .map(|_| {
                    let w = words[rng.random_range(0..words.len())];
                    // Now and then a typo: a letter dropped.
                    if w.len() > 3 && rng.random_range(0..4) == 0 {
                        let at = rng.random_range(0..w.len());
                        format!("{}{}", &w[..at], &w[at + 1..])
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let titles: Vec<store::QuestionTitle> = (0..400)
            .map(|i| {
                let text = phrase(&mut rng, 7);
                let lexemes: Vec<String> = text
                    .split(' ')
                    .filter(|w| !["a", "the"].contains(w))
                    .map(|w| stemmer.stem(w).into_owned())
                    .collect();
                title(i, &text, &lexemes.join(" "))
            })
            .collect();
        let index = Index::build(0, vec![ForumId(1)], titles);
        for _ in 0..300 {
            let typed = phrase(&mut rng, 6);
            assert_eq!(
                index.candidates(&typed, &stemmer),
                every_title(&index, &typed, &stemmer),
                "{typed}"
            );
        }
    }
}
