//! Every query of the notification feature, by concern. The outbox and signing key
//! live in `mail`, and what a reader watches in `forums`; both are re-exported here
//! for the feature's callers.

mod digests;
mod events;
mod subscriptions;

pub use crate::forums::store::{
    add_event, discard_pending_events, subscribe, subscribe_if_new, subscription_mode,
};
pub use crate::mail::store::{
    claim_next, enqueue, enqueue_all, failed_mails, mark_failed_try, mark_sent, pending_count,
    retry_mail, signing_key,
};
pub use digests::*;
pub use events::*;
pub use subscriptions::*;
