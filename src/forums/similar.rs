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

/// One title in the index.
struct Entry {
    id: ThreadId,
    trigrams: u16,
}

/// One reading of every public question's title.
struct Index {
    seq: u64,
    read_at: Instant,
    forums: Vec<ForumId>,
    entries: Vec<Entry>,
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

/// Trigrams and words shared per title, and the titles touched.
type Counts = (Vec<(u16, u16)>, Vec<u32>);

thread_local! {
    /// Each worker thread's counts of trigrams and words shared per title, all zero
    /// between calls, and the titles touched: kept, so that no call allocates and zeroes
    /// them for every title again.
    static SCRATCH: std::cell::RefCell<Counts> = const {
        std::cell::RefCell::new((Vec::new(), Vec::new()))
    };
}

impl Index {
    fn build(seq: u64, forums: Vec<ForumId>, titles: Vec<store::QuestionTitle>) -> Index {
        let mut index = Index {
            seq,
            read_at: Instant::now(),
            forums,
            entries: Vec::with_capacity(titles.len()),
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
            index.entries.push(Entry {
                id: title.id,
                trigrams: grams.len().min(usize::from(u16::MAX)) as u16,
            });
        }
        index
    }

    /// The stems of the words of `typed` that some title has, each once. Words no title
    /// has (stop words among them, which `title_tsv` never holds) decide nothing.
    fn lexemes_of(&self, typed: &str, stemmer: &Stemmer) -> Vec<String> {
        let mut lexemes: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
            .filter(|l| self.by_lexeme.contains_key(l))
            .collect();
        lexemes.sort_unstable();
        lexemes.dedup();
        lexemes
    }

    /// The best [`CANDIDATES`] titles like `typed`, best first. Every list of a trigram
    /// the typed title has is walked: on titles of everyday words, skipping the most
    /// common ones (and checking the candidates' own trigrams instead) measured slower.
    fn candidates(&self, typed: &str, stemmer: &Stemmer) -> Vec<Candidate> {
        let grams = trigrams(typed);
        let lexemes = self.lexemes_of(typed, stemmer);
        SCRATCH.with_borrow_mut(|(shared, touched)| {
            shared.resize(self.entries.len(), (0, 0));
            for gram in &grams {
                for &at in self.by_trigram.get(gram).into_iter().flatten() {
                    let counts = &mut shared[at as usize];
                    if counts.0 == 0 {
                        touched.push(at);
                    }
                    counts.0 += 1;
                }
            }
            // A title sharing a word shares its trigrams: it is touched already.
            for lexeme in &lexemes {
                for &at in &self.by_lexeme[lexeme] {
                    shared[at as usize].1 += 1;
                }
            }
            let mut found: Vec<Candidate> = touched
                .iter()
                .filter_map(|&at| {
                    let (common, words) = shared[at as usize];
                    let entry = &self.entries[at as usize];
                    let union = grams.len() as f32 + f32::from(entry.trigrams) - f32::from(common);
                    let similarity = f32::from(common) / union.max(1.0);
                    let all_words = !lexemes.is_empty() && usize::from(words) == lexemes.len();
                    (all_words || similarity >= THRESHOLD).then(|| Candidate {
                        id: entry.id,
                        score: similarity + f32::from(words) / lexemes.len().max(1) as f32,
                    })
                })
                .collect();
            // Back to zero for the next call: the touched titles, and those sharing a word.
            for &at in touched.iter() {
                shared[at as usize] = (0, 0);
            }
            for lexeme in &lexemes {
                for &at in &self.by_lexeme[lexeme] {
                    shared[at as usize] = (0, 0);
                }
            }
            touched.clear();
            // The best few first, without sorting the hundreds a common word brings.
            let better = |a: &Candidate, b: &Candidate| {
                b.score.total_cmp(&a.score).then(b.id.0.cmp(&a.id.0))
            };
            if found.len() > CANDIDATES {
                found.select_nth_unstable_by(CANDIDATES - 1, better);
                found.truncate(CANDIDATES);
            }
            found.sort_unstable_by(better);
            found
        })
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
        // Building takes long enough to stall every other request of this worker thread.
        let forums = forums.to_vec();
        let index =
            match tokio::task::spawn_blocking(move || Index::build(seq, forums, titles)).await {
                Ok(index) => Arc::new(index),
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
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
    fn every_title(
        index: &Index,
        titles: &[String],
        typed: &str,
        stemmer: &Stemmer,
    ) -> Vec<Candidate> {
        let grams = trigrams(typed);
        let lexemes = index.lexemes_of(typed, stemmer);
        let mut found: Vec<Candidate> = index
            .entries
            .iter()
            .enumerate()
            .filter_map(|(at, entry)| {
                let mine = trigrams(&titles[at]);
                let shared = grams.iter().filter(|g| mine.contains(g)).count();
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
    fn the_posting_lists_find_what_scoring_every_title_finds() {
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
        let texts: Vec<String> = titles.iter().map(|t| t.title.clone()).collect();
        let index = Index::build(0, vec![ForumId(1)], titles);
        for _ in 0..300 {
            let typed = phrase(&mut rng, 6);
            assert_eq!(
                index.candidates(&typed, &stemmer),
                every_title(&index, &texts, &typed, &stemmer),
                "{typed}"
            );
        }
    }
}
