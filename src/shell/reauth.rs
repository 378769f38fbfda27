//! Asking a logged-in member for their password again before a change that matters
//! (address, password, second factor, leaving).

use crate::accounts::{password, store};
use crate::shell::ctx::CurrentUser;
use crate::shell::limits::{self, Limit};
use crate::web::error::AppResult;
use crate::web::form::FieldErrors;

/// Checks the current password, throttled like a log-in: a stolen session cannot be used
/// to guess it. No connection is held while the hash is computed.
pub async fn current_password_ok(
    member: &CurrentUser,
    given: &str,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    let user = member.user();
    let limit = Limit::CurrentPassword(user.id);
    let mut conn = member.state.conn().await?;
    limits::take(&mut conn, &member.state.settings, Some(user), limit).await?;
    let account = store::own_account(&mut conn, user.id).await?;
    drop(conn);
    let check = password::verify(
        &member.state.hashing,
        Some(account.password_hash),
        given.to_string(),
    )
    .await?;
    if check.ok {
        let mut conn = member.state.conn().await?;
        limits::clear(&mut conn, limit).await?;
    } else {
        errors.add("current_password", "Your current password is not correct.");
    }
    Ok(())
}
