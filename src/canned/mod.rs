//! "Canned replies": reply templates that staff share, kept at `/desk/replies` and
//! inserted into a reply from the composer. This sits below the forums, which offer the
//! templates in their composer; it knows nothing of threads beyond the two words it
//! fills in.

pub mod handlers;
pub mod store;
pub mod views;

use actix_web::web;

use crate::web::form::FieldErrors;

/// Longest title.
pub const TITLE_MAX: usize = 100;
/// Longest template.
pub const BODY_MAX: usize = 20_000;

/// Registers `/desk/replies`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/desk/replies")
            .route(web::get().to(handlers::list))
            .route(web::post().to(handlers::create)),
    )
    .service(web::resource("/desk/replies/{id}").route(web::post().to(handlers::change)));
}

/// A template as typed into its form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Draft {
    pub title: String,
    pub body: String,
}

impl Draft {
    /// The problems of the typed template, by field; the title trimmed.
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.add(
                "title",
                "Please give the reply a title staff will know it by.",
            );
        } else if title.chars().count() > TITLE_MAX {
            errors.add(
                "title",
                format!("The title may be at most {TITLE_MAX} characters long."),
            );
        }
        let body = self.body.trim();
        if body.is_empty() {
            errors.add("body", "Please write the reply.");
        } else if body.chars().count() > BODY_MAX {
            errors.add(
                "body",
                format!("The reply may be at most {BODY_MAX} characters long."),
            );
        }
        errors
    }
}

/// `template` with `{asker}` and `{title}` filled in; other braces stay as written.
pub fn expand(template: &str, asker: &str, title: &str) -> String {
    template.replace("{asker}", asker).replace("{title}", title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_nothing_else_changes() {
        assert_eq!(
            expand(
                "Hi {asker}, about \"{title}\": {other} {asker}",
                "karen",
                "Refunds"
            ),
            "Hi karen, about \"Refunds\": {other} karen"
        );
        // A title that itself holds a placeholder is not expanded again.
        assert_eq!(
            expand("{title} by {asker}", "bob", "{asker}"),
            "{asker} by bob"
        );
    }

    #[test]
    fn a_template_needs_a_title_and_a_body() {
        let errors = Draft::default().check();
        assert!(errors.get("title").is_some() && errors.get("body").is_some());
        let long = Draft {
            title: "x".repeat(TITLE_MAX + 1),
            body: "ok".into(),
        };
        assert!(long.check().get("title").is_some());
    }
}
