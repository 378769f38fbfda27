//! Markup of the FAQ pages.

use maud::{Markup, PreEscaped, html};

use crate::faq::store::{Article, ArticleSummary, SeeAlso};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::{page, page_with_feed};
use crate::web::form::{Field, FieldErrors, checkbox, error_summary};
use crate::web::time;
use crate::web::urls;

fn list(title: &str, articles: &[ArticleSummary], views: bool) -> Markup {
    html! {
        section.card {
            h2 { (title) }
            @if articles.is_empty() { p { "No articles yet." } }
            ul.faq-list {
                @for a in articles {
                    li {
                        a href=(a.path()) { "Solution #" (a.id) ": " bdi { (a.title) } }
                        @if views { " (" (group_digits(a.view_count)) " views)" }
                    }
                }
            }
        }
    }
}

/// `134103` → `134,103`.
pub fn group_digits(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `/faq`: sticky, most popular and latest articles, and a search limited to the FAQ.
pub fn index(
    ctx: &Ctx,
    query: &str,
    found: Option<&[ArticleSummary]>,
    sticky: &[ArticleSummary],
    popular: &[ArticleSummary],
    latest: &[ArticleSummary],
) -> Markup {
    page_with_feed(
        ctx,
        "FAQ",
        Some("/faq/feed.atom"),
        html! {
            div.page-head {
                h1 { "Frequently asked questions" }
                @if ctx.is_moderator() { a.button href="/faq/new" { "New article" } }
            }
            form.row.card method="get" action="/faq" role="search" {
                label for="faq-q" { "Search the FAQ" }
                input #faq-q type="search" name="q" value=(query) maxlength="200";
                button.small type="submit" { "Search" }
            }
            @if let Some(found) = found {
                (list("Search results", found, false))
            }
            (list("Sticky", sticky, false))
            (list("Most popular", popular, true))
            (list("Latest", latest, false))
        },
    )
}

/// `/faq/{id}-{slug}`.
pub fn article(
    ctx: &Ctx,
    article: &Article,
    see_also: &[SeeAlso],
    related: &[ArticleSummary],
) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        &article.title,
        html! {
            nav.breadcrumbs aria-label="Breadcrumbs" { ol { li { a href="/faq" { "FAQ" } } @if !article.category.is_empty() { li { span { (article.category) } } } } }
            h1 { "Solution #" (article.id) ": " bdi { (article.title) } }
            p.meta { "By " (article.author) " · updated " (time::datetime(article.updated_at, tz)) " · " (group_digits(article.view_count)) " views"
                @if !article.published { " · " strong { "draft (not published)" } } }
            @if let Some(outdated) = article.outdated_at {
                p.notice.outdated role="note" { strong { "Outdated: " } "a moderator found this article out of date on " (time::date(outdated, tz)) "; parts of it may no longer be right." }
            }
            @if ctx.is_moderator() { p { a href=(urls::article_edit(article.id)) { "Edit this article" } } }
            article.card.body { (PreEscaped(&article.body_html)) }
            @if !see_also.is_empty() {
                section.card { h2 { "See also" } ul { @for s in see_also { li { a href=(s.path) { (s.title) } } } } }
            }
            @if !related.is_empty() {
                section.card { h2 { "Related articles" } ul { @for r in related { li { a href=(r.path()) { "Solution #" (r.id) ": " (r.title) } } } } }
            }
        },
    )
}

/// What the editor shows.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    pub title: String,
    pub category: String,
    /// Markdown.
    pub body: String,
    /// Sticky checkbox.
    pub sticky: Option<String>,
    pub published: Option<String>,
    /// "See also", one `faq:ID` or `t:ID` (or a URL ending so) a line.
    pub see_also: String,
}

/// The article editor (new, edit, or a promoted draft).
pub fn editor(ctx: &Ctx, action: &str, form: &ArticleForm, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "FAQ article",
        html! {
            h1 { "FAQ article" }
            (error_summary(errors))
            form.composer method="post" action=(action) {
                (csrf_input(ctx))
                (Field::new("title", "Title").value(&form.title).maxlength(150).render(errors))
                (Field::new("category", "Category").value(&form.category).maxlength(60).optional().render(errors))
                div.field.has-error[errors.get("body").is_some()] {
                    label for="f-body" { "Article" }
                    textarea id="f-body" name="body" rows="14" required { (form.body) }
                    @if let Some(e) = errors.get("body") { p.error id="f-body-error" { (e) } }
                    (crate::forums::views::markup_help())
                }
                div.field {
                    label for="f-see_also" { "See also (one a line: faq:1001 for an article, t:42 for a thread)" }
                    textarea id="f-see_also" name="see_also" rows="3" { (form.see_also) }
                }
                (checkbox("sticky", "Sticky (listed first)", crate::web::form::is_checked(&form.sticky)))
                (checkbox("published", "Published (readers see it)", crate::web::form::is_checked(&form.published)))
                button type="submit" { "Save article" }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn view_counts_read_like_numbers() {
        assert_eq!(super::group_digits(134_103), "134,103");
        assert_eq!(super::group_digits(7), "7");
        assert_eq!(super::group_digits(1_000_000), "1,000,000");
    }
}
