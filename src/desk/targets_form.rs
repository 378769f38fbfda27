//! `/admin/targets`: each Questions forum's first-response and solution targets, and the
//! business hours they may count in. A refused form comes back as typed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use crate::desk::store::{self, ForumTargets, TargetColumns};
use crate::ids::ForumId;
use crate::shell::ctx::{Admin, Ctx};
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FieldErrors, error_summary};
use crate::web::html;

/// A forum's targets as typed (every field a string, so that what was typed comes back).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TargetsForm {
    first_response_hours: String,
    solution_hours: String,
    business_zone: String,
    business_start: String,
    business_end: String,
}

impl TargetsForm {
    fn of(t: &TargetColumns) -> TargetsForm {
        let hours = |h: Option<i32>| h.map(|h| h.to_string()).unwrap_or_default();
        TargetsForm {
            first_response_hours: hours(t.first_response_hours),
            solution_hours: hours(t.solution_hours),
            business_zone: t.business_zone.clone().unwrap_or_default(),
            business_start: t.business_start.to_string(),
            business_end: t.business_end.to_string(),
        }
    }

    /// The columns to store, or the problems by field.
    fn parse(&self) -> Result<TargetColumns, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut hours = |field: &'static str, typed: &str| -> Option<i32> {
            let typed = typed.trim();
            if typed.is_empty() {
                return None;
            }
            match typed.parse::<i32>() {
                Ok(h) if (1..=10_000).contains(&h) => Some(h),
                _ => {
                    errors.add(field, "Please give a whole number of hours from 1 to 10000, or leave it empty for no target.");
                    None
                }
            }
        };
        let first_response_hours = hours("first_response_hours", &self.first_response_hours);
        let solution_hours = hours("solution_hours", &self.solution_hours);
        let zone = self.business_zone.trim();
        let business_zone = (!zone.is_empty()).then(|| zone.to_string());
        if business_zone.is_some() && zone.parse::<chrono_tz::Tz>().is_err() {
            errors.add("business_zone", "Please give a time zone such as Europe/Berlin or America/New_York, or leave it empty to count round the clock.");
        }
        let hour = |typed: &str, max: i16| {
            typed
                .trim()
                .parse::<i16>()
                .ok()
                .filter(|h| (0..=max).contains(h))
        };
        let (start, end) = (hour(&self.business_start, 23), hour(&self.business_end, 24));
        match (start, end) {
            (Some(s), Some(e)) if s < e => {}
            _ => errors.add(
                "business_end",
                "The working day runs from an hour (0 to 23) to a later hour (up to 24).",
            ),
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TargetColumns {
            first_response_hours,
            solution_hours,
            business_zone,
            business_start: start.unwrap_or(9),
            business_end: end.unwrap_or(17),
        })
    }
}

/// `GET /admin/targets`.
pub async fn show(admin: Admin) -> AppResult<HttpResponse> {
    render(&admin, StatusCode::OK, None).await
}

async fn render(
    admin: &Admin,
    status: StatusCode,
    refused: Option<(ForumId, &TargetsForm, &FieldErrors)>,
) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let forums = store::question_forums(&mut conn).await?;
    Ok(html(status, targets_page(admin, &forums, refused)))
}

/// `POST /admin/targets/{id}`.
pub async fn save(
    admin: Admin,
    id: web::Path<ForumId>,
    crate::shell::form::CsrfForm(form): crate::shell::form::CsrfForm<TargetsForm>,
) -> AppResult<HttpResponse> {
    match form.parse() {
        Ok(columns) => {
            let mut conn = admin.state.conn().await?;
            if !store::set_targets(&mut conn, *id, &columns).await? {
                return Err(AppError::NotFound);
            }
            Ok(admin.redirect_with_flash("/admin/targets", "Targets saved."))
        }
        Err(errors) => {
            render(
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((*id, &form, &errors)),
            )
            .await
        }
    }
}

fn field(
    id: String,
    name: &str,
    label: &str,
    value: &str,
    error: Option<&str>,
    hint: &str,
) -> Markup {
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (label) }
            input id=(id) type="text" name=(name) value=(value) inputmode=[(name != "business_zone").then_some("numeric")] aria-invalid=[error.map(|_| "true")];
            @if !hint.is_empty() { p.hint { (hint) } }
            @if let Some(e) = error { p.error { (e) } }
        }
    }
}

fn targets_page(
    ctx: &Ctx,
    forums: &[ForumTargets],
    refused: Option<(ForumId, &TargetsForm, &FieldErrors)>,
) -> Markup {
    let none = FieldErrors::new();
    page(
        ctx,
        "Targets",
        html! {
            div.page-head { h1 { "Targets" } }
            p.lead { "How soon a question in each Questions forum should get its first response and its accepted answer. Questions past a target are highlighted on the desk and listed in a daily mail to staff." }
            @if forums.is_empty() { p.card { "There is no Questions forum yet: tick \u{201c}Questions forum\u{201d} for one in " a href="/admin/forums" { "the forums" } "." } }
            @for forum in forums {
                @let mine = refused.filter(|(id, _, _)| *id == forum.id);
                @let typed = mine.map_or_else(|| TargetsForm::of(&forum.targets), |(_, f, _)| f.clone());
                @let errors = mine.map_or(&none, |(_, _, e)| e);
                @let id = |name: &str| format!("t{}-{name}", forum.id);
                section.card aria-labelledby=(id("h")) {
                    h2 id=(id("h")) { (forum.title) }
                    (error_summary(errors))
                    form method="post" action={ "/admin/targets/" (forum.id) } {
                        (csrf_input(ctx))
                        (field(id("fr"), "first_response_hours", "First response within (hours)", &typed.first_response_hours, errors.get("first_response_hours"), "Empty: no target."))
                        (field(id("so"), "solution_hours", "Accepted answer within (hours)", &typed.solution_hours, errors.get("solution_hours"), "Empty: no target."))
                        (field(id("tz"), "business_zone", "Count business hours of time zone", &typed.business_zone, errors.get("business_zone"), "Monday to Friday only, e.g. Europe/Berlin. Empty: count round the clock."))
                        (field(id("bs"), "business_start", "Working day starts at (hour)", &typed.business_start, errors.get("business_start"), ""))
                        (field(id("be"), "business_end", "Working day ends at (hour)", &typed.business_end, errors.get("business_end"), ""))
                        button.small type="submit" { "Save targets" }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_targets_are_checked_field_by_field() {
        let form = TargetsForm {
            first_response_hours: " 8 ".into(),
            solution_hours: String::new(),
            business_zone: "Europe/Berlin".into(),
            business_start: "9".into(),
            business_end: "17".into(),
        };
        let t = form.parse().unwrap();
        assert_eq!((t.first_response_hours, t.solution_hours), (Some(8), None));
        let bad = TargetsForm {
            first_response_hours: "soon".into(),
            business_zone: "Mars/Base".into(),
            business_start: "18".into(),
            business_end: "9".into(),
            ..form
        };
        let errors = bad.parse().unwrap_err();
        for field in ["first_response_hours", "business_zone", "business_end"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
