//! Questions: the site-wide list `/questions`, the filters of a Questions forum's page,
//! and "Me too".

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::cards::MemberCards;
use crate::changes::Tag;
use crate::forums::pages::{self, Reader};
use crate::forums::places::{self, ForumPlaces};
use crate::forums::policy;
use crate::forums::question_views;
use crate::forums::similar::SimilarIndex;
use crate::forums::store;
use crate::forums::types::QuestionFilter;
use crate::ids::ThreadId;
use crate::page_cache::{PageTags, tagged};
use crate::shell::ctx::{Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::is_checked;
use crate::web::html;
use crate::web::pagination::PageQuery;

/// `?show=…&sort=…` of a question list, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QuestionWords {
    show: Option<String>,
    sort: Option<String>,
}

impl QuestionWords {
    /// The filter asked for; `None` when the address asks for none.
    pub fn filter(&self) -> Option<QuestionFilter> {
        (self.show.is_some() || self.sort.is_some())
            .then(|| QuestionFilter::from_words(self.show.as_deref(), self.sort.as_deref()))
    }
}

/// `GET /questions`.
pub async fn list(
    ctx: Ctx,
    members: web::Data<MemberCards>,
    places: web::Data<ForumPlaces>,
    query: web::Query<PageQuery>,
    words: web::Query<QuestionWords>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let filter = words.filter().unwrap_or_default();
    let viewer = ctx.user().map(|u| u.id);
    let (listed, pages) =
        pages::questions(&mut conn, &members, filter, query.number(), viewer).await?;
    // Any Questions forum's change may move a question into this list, and a forum
    // becoming one (or ceasing to) changes which forums it reads.
    let forums = places.question_forums(&mut conn).await?;
    let tags = PageTags::new(forums.into_iter().map(Tag::Forum).chain([places::TAG]));
    Ok(tagged(
        html(
            StatusCode::OK,
            question_views::questions_page(&ctx, &listed, filter, pages),
        ),
        tags,
    ))
}

/// The "Me too" form: `want` is `on` to press, `off` to take it back.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeTooForm {
    want: String,
    tell: Option<String>,
}

/// `POST /t/{id}/me-too`. Saying what the press should leave (rather than toggling) makes
/// a form sent twice do no more than once.
pub async fn me_too(
    member: CurrentUser,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<MeTooForm>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, Reader::of(&member)).await?;
    let user = member.user();
    policy::may_say_me_too(user, &thread).map_err(AppError::Forbidden)?;
    let message = match form.want.as_str() {
        "on" => {
            store::add_me_too(&mut conn, thread.id, user.id, is_checked(&form.tell)).await?;
            "Noted: you have this question too."
        }
        "off" => {
            store::remove_me_too(&mut conn, thread.id, user.id).await?;
            "Your \"Me too\" is taken back."
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    Ok(member.redirect_with_flash(&thread.path(), message))
}

/// `?title=` of the similar-questions fragment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SimilarQuery {
    title: String,
}

/// `GET /questions/similar?title=…`: the "Similar questions" list for a title being typed,
/// as the fragment the new-question form puts under its title. Public questions only.
pub async fn similar(
    ctx: Ctx,
    places: web::Data<ForumPlaces>,
    index: web::Data<SimilarIndex>,
    query: web::Query<SimilarQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let found = pages::similar_questions(&mut conn, &places, &index, &query.title).await?;
    Ok(html(
        StatusCode::OK,
        question_views::similar_list(&query.title, Some(&found)),
    ))
}
