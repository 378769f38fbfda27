//! Mail as infrastructure: the outbox, the mailer (SMTP or `.eml` files), the templates,
//! and the signed links mail carries. What a mail says and to whom is decided above.

pub mod compose;
pub mod mailer;
pub mod signing;
pub mod store;
pub mod types;
pub mod wake;
