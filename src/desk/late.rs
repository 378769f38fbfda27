//! The daily mail of questions past their targets: once a day per Questions forum with a
//! target, to every staff member, listing its open questions past a target.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::config::Settings;
use crate::desk::store;
use crate::desk::targets::span;
use crate::mail::compose::{LateLine, Site};
use crate::web::urls;

/// The lines of the questions of `rows` past a target by `now`.
pub fn late_lines(
    targets: &crate::desk::targets::Targets,
    rows: &[store::LateRow],
    now: DateTime<Utc>,
) -> Vec<LateLine> {
    rows.iter()
        .filter_map(|row| {
            let late = targets.overdue(row.created_at, row.first_response_at, now);
            let waited = span(targets.elapsed(row.created_at, now));
            let why = if late.first_response {
                format!("{waited} without a first response")
            } else if late.solution {
                format!("{waited} without an accepted answer")
            } else {
                return None;
            };
            let why = match &row.assignee_name {
                Some(name) => format!("{why} (assigned to {name})"),
                None => format!("{why} (not assigned)"),
            };
            Some(LateLine {
                title: row.title.clone(),
                path: urls::thread_slug(row.id, &row.slug).to_string(),
                why,
            })
        })
        .collect()
}

/// Sends each forum's daily mail that is due on `now`'s day (UTC), in one transaction per
/// run: a forum is marked mailed with its mails queued, or neither. Returns the mails
/// queued.
pub async fn send_due(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let site = Site {
        name: settings.site_name.clone(),
        base_url: settings.base_url(),
    };
    let today = now.date_naive();
    conn.transaction(async |conn| {
        let mut queued = 0;
        for forum in store::forums_due(conn, today).await? {
            let rows = store::open_questions(conn, forum.id).await?;
            let lines = late_lines(&forum.targets.targets(), &rows, now);
            if !lines.is_empty() {
                let staff = crate::accounts::store::staff_addresses(conn, None).await?;
                let mails: Vec<_> = staff
                    .iter()
                    .map(|(_, name, email)| {
                        crate::mail::compose::late_questions(
                            &site,
                            email,
                            name,
                            &forum.title,
                            &lines,
                        )
                    })
                    .collect();
                crate::mail::store::enqueue_all(conn, &mails).await?;
                queued += mails.len();
            }
            store::forum_mailed(conn, forum.id, today).await?;
        }
        Ok(queued)
    })
    .await
}
