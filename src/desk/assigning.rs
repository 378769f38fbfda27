//! "Assign", "Claim" and "Unassign": who has a question, and telling them (a notice on
//! the site and a mail) in the same transaction as the change.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::accounts::store as accounts;
use crate::accounts::types::SessionUser;
use crate::config::Settings;
use crate::desk::store::{self, Assignee};
use crate::forums::types::ThreadHeader;
use crate::ids::UserId;

/// Why a question was not assigned.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    /// The chosen person is not staff, or the group is gone.
    #[error("{0}")]
    BadChoice(&'static str),
    /// Only questions of Questions forums are assigned.
    #[error("only questions are assigned")]
    NotAQuestion,
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
}

/// Gives `thread` to `to` (nobody for `None`) on behalf of `actor`, and tells the new
/// assignee, or the group's members, other than `actor`.
pub async fn assign(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    actor: &SessionUser,
    thread: &ThreadHeader,
    to: Option<Assignee>,
) -> Result<(), AssignError> {
    if !thread.place.questions || thread.merged_into.is_some() {
        return Err(AssignError::NotAQuestion);
    }
    let site = crate::mail::compose::Site {
        name: settings.site_name.clone(),
        base_url: settings.base_url(),
    };
    let path = thread.path();
    conn.transaction::<_, AssignError, _>(async |conn| {
        let (told, what): (Vec<UserId>, String) = match to {
            None => (Vec::new(), String::new()),
            Some(Assignee::Person(user)) => {
                if !accounts::is_staff(conn, user).await? {
                    return Err(AssignError::BadChoice(
                        "Questions can be assigned to staff only.",
                    ));
                }
                let what = if user == actor.id {
                    String::new()
                } else {
                    format!(
                        "{} assigned you the question \u{201c}{}\u{201d}.",
                        actor.username, thread.title
                    )
                };
                (vec![user], what)
            }
            Some(Assignee::Group(group)) => {
                let Some(name) = accounts::group_name(conn, group).await? else {
                    return Err(AssignError::BadChoice("That group no longer exists."));
                };
                let what = format!(
                    "{} assigned the question \u{201c}{}\u{201d} to your group {name}.",
                    actor.username, thread.title
                );
                (accounts::group_member_ids(conn, group).await?, what)
            }
        };
        if !store::assign(conn, thread.id, to).await? {
            return Err(AssignError::BadChoice("That thread no longer exists."));
        }
        let told: Vec<UserId> = told.into_iter().filter(|u| *u != actor.id).collect();
        if told.is_empty() || what.is_empty() {
            return Ok(());
        }
        accounts::add_notices(conn, &told, &what, &path).await?;
        let mails: Vec<_> = accounts::staff_addresses(conn, Some(&told))
            .await?
            .into_iter()
            .map(|(_, username, email)| {
                crate::mail::compose::assigned(
                    &site,
                    &email,
                    &username,
                    &what,
                    &thread.title,
                    &path,
                )
            })
            .collect();
        crate::mail::store::enqueue_all(conn, &mails).await?;
        Ok(())
    })
    .await
}
