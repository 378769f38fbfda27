//! "Review": accepted answers and FAQ articles come up for review by a date (12 months
//! after the answer was accepted or last edited, or the article written or changed; kept
//! by triggers). Moderators see what is due at `/mod/reviews` and answer "Still right"
//! (the next review in 12 months) or "Outdated" (readers are told, until it is right
//! again). This sits above the FAQ and the forums, whose rows it marks.

pub mod store;
pub mod views;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Months, NaiveDate, Utc};
use serde::Deserialize;

use crate::ids::{ArticleId, ThreadId};
use crate::reviews::store::Subject;
use crate::shell::ctx::Moderator;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::html;

/// How long a review holds.
pub const REVIEW_MONTHS: u32 = 12;
/// How far ahead the list looks.
const AHEAD_DAYS: u64 = 30;

/// Registers `/mod/reviews`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mod/reviews").route(web::get().to(list)))
        .service(web::resource("/mod/reviews/answer/{id}").route(web::post().to(review_answer)))
        .service(web::resource("/mod/reviews/article/{id}").route(web::post().to(review_article)));
}

/// The day a review done on `today` holds until.
pub fn next_review(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(REVIEW_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// `GET /mod/reviews`: what is due, or due within a month, or marked outdated.
async fn list(moderator: Moderator) -> AppResult<HttpResponse> {
    let today = Utc::now().date_naive();
    let until = today
        .checked_add_days(chrono::Days::new(AHEAD_DAYS))
        .unwrap_or(today);
    let mut conn = moderator.state.conn().await?;
    let items = store::due(&mut conn, until).await?;
    Ok(html(
        StatusCode::OK,
        views::reviews_page(&moderator, &items, today),
    ))
}

/// A moderator's answer: `action` is "still-right" or "outdated".
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReviewForm {
    action: String,
}

async fn review(
    moderator: Moderator,
    subject: Subject,
    form: ReviewForm,
) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let (done, message) = match form.action.as_str() {
        "still-right" => (
            store::still_right(&mut conn, subject, next_review(Utc::now().date_naive())).await?,
            "Marked as still right; the next review is in 12 months.",
        ),
        "outdated" => (
            store::outdated(&mut conn, subject).await?,
            "Marked as outdated: readers are told.",
        ),
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    if !done {
        return Err(AppError::NotFound);
    }
    let target = match subject {
        Subject::Answer(thread) => format!("the answer of thread #{thread}"),
        Subject::Article(article) => format!("FAQ article #{article}"),
    };
    crate::forums::store::log_moderation(
        &mut conn,
        moderator.user().id,
        &format!("review: {}", form.action),
        None,
        &target,
        "",
    )
    .await?;
    Ok(moderator.redirect_with_flash("/mod/reviews", message))
}

/// `POST /mod/reviews/answer/{thread}`.
async fn review_answer(
    moderator: Moderator,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<HttpResponse> {
    review(moderator, Subject::Answer(*id), form).await
}

/// `POST /mod/reviews/article/{id}`.
async fn review_article(
    moderator: Moderator,
    id: web::Path<ArticleId>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<HttpResponse> {
    review(moderator, Subject::Article(*id), form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_holds_twelve_months_even_from_a_month_end() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(next_review(day(2026, 12, 7)), day(2027, 12, 7));
        assert_eq!(next_review(day(2028, 2, 29)), day(2029, 2, 28));
    }
}
