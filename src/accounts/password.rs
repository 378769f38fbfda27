//! Password hashing (argon2id with OWASP's parameters, always off the async runtime) and
//! the password rules.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::web::form::FieldErrors;

/// Shortest password accepted, in characters.
pub const MIN_LEN: usize = 10;
/// Longest password accepted, in characters.
pub const MAX_LEN: usize = 1024;

const COMMON: &str = include_str!("common_passwords.txt");

fn hasher() -> Argon2<'static> {
    // m = 19 MiB, t = 2, p = 1: OWASP's recommended argon2id configuration.
    let params = Params::new(19_456, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the calling thread; use [`hash`] from async code.
pub fn hash_blocking(password: &str) -> Result<String, String> {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every place in the app's queue is taken: a burst of log-ins is refused, not queued.
    #[error("every place in the password queue is taken")]
    Busy,
    /// The hashing threads are gone or argon2 refused: a bug or a broken machine.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> HashError {
    HashError::Failed(e.to_string())
}

/// Threads that compute hashes; each hash takes 19 MiB and a core's time.
const HASHING_THREADS: usize = 2;
/// Password checks waiting or running at once for one app; past that a log-in is refused
/// at once with 429 rather than queued behind a burst.
const QUEUE_MAX: usize = 8 * HASHING_THREADS;

/// The places in the hashing queue open to one app's password checks.
#[derive(Clone)]
pub struct Admission(std::sync::Arc<tokio::sync::Semaphore>);

impl Default for Admission {
    fn default() -> Admission {
        Admission(std::sync::Arc::new(tokio::sync::Semaphore::new(QUEUE_MAX)))
    }
}

impl Admission {
    /// A place in the queue, if one is free.
    fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, HashError> {
        std::sync::Arc::clone(&self.0)
            .try_acquire_owned()
            .map_err(|_| HashError::Busy)
    }
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs an argon2 computation on one of a few dedicated threads, so a burst of log-ins
/// queues instead of taking every core, and the 19 MiB blocks are reused by the same few
/// threads rather than kept by each of the runtime's many blocking threads.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    static QUEUE: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<HashJob>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..HASHING_THREADS {
            let receiver = receiver.clone();
            let _ = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        std::sync::Mutex::new(sender)
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = done.send(work());
    });
    queue
        .lock()
        .map_err(|_| failed("the hashing queue's lock is poisoned"))?
        .send(job)
        .map_err(failed)?;
    result.await.map_err(failed)
}

/// Hashes `password` into a PHC string on a blocking thread.
pub async fn hash(password: String) -> Result<String, HashError> {
    on_hashing_thread(move || hash_blocking(&password))
        .await?
        .map_err(HashError::Failed)
}

/// The outcome of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// The password matches.
    pub ok: bool,
    /// It matches, but the stored hash uses other parameters: store a fresh one.
    pub needs_rehash: bool,
}

/// Checks `password` against `stored`; with no stored hash (unknown account) a dummy hash
/// is checked instead, so the answer takes as long either way. Refused with 429 when the
/// app's places in the queue are all taken.
pub async fn verify(
    admission: &Admission,
    stored: Option<String>,
    password: String,
) -> Result<Verification, HashError> {
    let place = admission.enter()?;
    on_hashing_thread(move || {
        let _place = place;
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Verification {
                ok: false,
                needs_rehash: false,
            };
        };
        // The dummy is verified too (and ignored), so both paths cost the same.
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        let ok = known && matches;
        Verification {
            ok,
            needs_rehash: ok && !uses_current_parameters(&parsed),
        }
    })
    .await
}

fn uses_current_parameters(hash: &PasswordHash<'_>) -> bool {
    let current = hasher();
    hash.algorithm.as_str() == "argon2id"
        && Params::try_from(hash).is_ok_and(|p| {
            let want = current.params();
            p.m_cost() == want.m_cost()
                && p.t_cost() == want.t_cost()
                && p.p_cost() == want.p_cost()
        })
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&crate::web::cookies::random_token()).unwrap_or_default())
}

/// True when `password` is on the built-in list of the most common passwords.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower)
}

/// Applies every password rule; messages go to the `password`/`confirmation` fields.
pub fn check(password: &str, confirmation: &str, username: &str, errors: &mut FieldErrors) {
    let length = password.chars().count();
    if length < MIN_LEN {
        errors.add(
            "password",
            format!("The password must be at least {MIN_LEN} characters long."),
        );
    } else if length > MAX_LEN {
        errors.add(
            "password",
            format!("The password may be at most {MAX_LEN} characters long."),
        );
    } else if !username.is_empty() && password.to_lowercase() == username.to_lowercase() {
        errors.add("password", "The password must not be your user name.");
    } else if is_common(password) {
        errors.add(
            "password",
            "This password is one of the most common ones and easy to guess; please choose another.",
        );
    }
    if password != confirmation {
        errors.add("confirmation", "The two passwords do not match.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_blocking("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[tokio::test]
    async fn verification_and_rehash() {
        let hash = hash_blocking("correct horse battery").unwrap();
        let ok = verify(
            &Admission::default(),
            Some(hash.clone()),
            "correct horse battery".into(),
        )
        .await
        .unwrap();
        assert_eq!(
            ok,
            Verification {
                ok: true,
                needs_rehash: false
            }
        );
        let bad = verify(
            &Admission::default(),
            Some(hash),
            "wrong horse battery".into(),
        )
        .await
        .unwrap();
        assert!(!bad.ok);
        let unknown = verify(&Admission::default(), None, "anything at all".into())
            .await
            .unwrap();
        assert!(!unknown.ok);

        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let old = weak
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let again = verify(
            &Admission::default(),
            Some(old),
            "correct horse battery".into(),
        )
        .await
        .unwrap();
        assert_eq!(
            again,
            Verification {
                ok: true,
                needs_rehash: true
            }
        );
    }

    #[test]
    fn rules_each_have_their_message() {
        let mut e = FieldErrors::new();
        check("short", "short", "karen", &mut e);
        assert!(e.get("password").unwrap().contains("at least 10"));
        let mut e = FieldErrors::new();
        check("KarenSmith1", "KarenSmith1", "karensmith1", &mut e);
        assert!(e.get("password").unwrap().contains("user name"));
        let mut e = FieldErrors::new();
        check("Password123", "Password123", "karen", &mut e);
        assert!(e.get("password").unwrap().contains("common"));
        let mut e = FieldErrors::new();
        check("a fine passphrase", "a fine passphrasf", "karen", &mut e);
        assert!(e.get("password").is_none());
        assert!(e.get("confirmation").unwrap().contains("do not match"));
        let mut e = FieldErrors::new();
        check(&"x".repeat(1025), &"x".repeat(1025), "karen", &mut e);
        assert!(e.get("password").unwrap().contains("at most 1024"));
    }
}
