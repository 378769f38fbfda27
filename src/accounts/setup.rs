//! The first-run gate: while no admin exists, `parley serve` prints a one-time link that
//! lets whoever started the server create the first admin account.

use std::sync::Mutex;

use crate::accounts::sessions::hash_token;
use crate::web::cookies::random_token;

/// Holds the hash of the one-time set-up token while it is valid.
#[derive(Debug, Default)]
pub struct SetupGate {
    token_hash: Mutex<Option<Vec<u8>>>,
}

impl SetupGate {
    /// A gate with no valid link.
    pub fn closed() -> SetupGate {
        SetupGate::default()
    }

    /// Mints a new one-time token (replacing any earlier one) and returns it.
    pub fn open(&self) -> String {
        let token = random_token();
        if let Ok(mut slot) = self.token_hash.lock() {
            *slot = Some(hash_token(&token));
        }
        token
    }

    /// True while `token` is the valid one-time token.
    pub fn admits(&self, token: &str) -> bool {
        let wanted = hash_token(token);
        self.token_hash
            .lock()
            .is_ok_and(|slot| slot.as_deref() == Some(wanted.as_slice()))
    }

    /// Invalidates the link for good.
    pub fn close(&self) {
        if let Ok(mut slot) = self.token_hash.lock() {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_until_closed() {
        let gate = SetupGate::closed();
        assert!(!gate.admits("anything"));
        let token = gate.open();
        assert!(gate.admits(&token));
        assert!(!gate.admits("wrong"));
        gate.close();
        assert!(!gate.admits(&token));
    }
}
