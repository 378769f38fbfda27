//! Markup of `/admin/forums`.

use maud::{Markup, html};

use crate::forums::types::{Category, ForumSummary};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::urls;

/// What the create forms show again after a rejected submission.
#[derive(Debug, Default)]
pub struct AdminForms {
    /// Typed category title.
    pub category_title: String,
    /// Errors of the category form.
    pub category_errors: FieldErrors,
    /// Typed forum fields: title, slug, description.
    pub forum: (String, String, String),
    /// Whether the new forum was ticked as a Questions forum.
    pub forum_questions: bool,
    /// Errors of the forum form.
    pub forum_errors: FieldErrors,
}

fn category_select(
    categories: &[Category],
    selected: Option<crate::ids::CategoryId>,
    id: &str,
) -> Markup {
    html! {
        select id=(id) name="category_id" {
            @for c in categories {
                option value=(c.id) selected[Some(c.id) == selected] { (c.title) }
            }
        }
    }
}

/// The tick that makes a forum a "Questions" forum.
fn questions_box(id: &str, checked: bool) -> Markup {
    html! {
        div.field.check {
            input id=(id) type="checkbox" name="questions" value="true" checked[checked];
            " "
            label for=(id) { "Questions forum" }
            p.hint { "Its threads are questions, shown as \"Unanswered\", \"Answered\" or \"Solved\"." }
        }
    }
}

fn move_buttons(ctx: &Ctx, action: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) { (csrf_input(ctx)) input type="hidden" name="action" value="up"; button.secondary.small type="submit" { "Move up" } }
        " "
        form.inline method="post" action=(action) { (csrf_input(ctx)) input type="hidden" name="action" value="down"; button.secondary.small type="submit" { "Move down" } }
        " "
        form.inline method="post" action=(action) { (csrf_input(ctx)) input type="hidden" name="action" value="delete"; button.danger.small type="submit" { "Delete" } }
    }
}

/// The forum administration page.
pub fn forums_admin(
    ctx: &Ctx,
    categories: &[Category],
    forums: &[ForumSummary],
    forms: &AdminForms,
) -> Markup {
    page(
        ctx,
        "Forums",
        html! {
            h1 { "Categories and forums" }
            p.tools { "Also: " a href="/admin/users" { "Members and roles" } " · " a href="/admin/groups" { "Staff groups" } " · " a href="/admin/targets" { "Targets of Questions forums" } " · " a href="/admin/mail" { "Failed mail" } }
            p { "Forums can be deleted only while they hold no threads, categories only while they hold no forums. A forum's address (slug) never changes once created." }
            @for category in categories {
                section.card {
                    @let action = urls::admin_category(category.id).to_string();
                    form.row method="post" action=(action) {
                        (csrf_input(ctx))
                        input type="hidden" name="action" value="rename";
                        label for=(format!("cat-{}", category.id)) { "Category" }
                        input id=(format!("cat-{}", category.id)) type="text" name="title" value=(category.title) maxlength="100" required;
                        button.small type="submit" { "Rename" }
                    }
                    p { (move_buttons(ctx, &action)) }
                    ul.admin-forums {
                        @for forum in forums.iter().filter(|f| f.category_id == category.id) {
                            li {
                                @let action = urls::admin_forum(forum.id).to_string();
                                form method="post" action=(action) {
                                    (csrf_input(ctx))
                                    input type="hidden" name="action" value="save";
                                    p { strong { (urls::forum(&forum.slug)) } " — " (forum.thread_count) " threads" }
                                    div.field { label for=(format!("ft-{}", forum.id)) { "Title" }
                                        input id=(format!("ft-{}", forum.id)) type="text" name="title" value=(forum.title) maxlength="100" required; }
                                    div.field { label for=(format!("fd-{}", forum.id)) { "Description" }
                                        input id=(format!("fd-{}", forum.id)) type="text" name="description" value=(forum.description) maxlength="500"; }
                                    div.field { label for=(format!("fc-{}", forum.id)) { "Category" }
                                        (category_select(categories, Some(forum.category_id), &format!("fc-{}", forum.id))) }
                                    (questions_box(&format!("fq-{}", forum.id), forum.questions))
                                    button.small type="submit" { "Save forum" }
                                }
                                p { (move_buttons(ctx, &action)) }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="new-category" {
                h2 #new-category { "New category" }
                (error_summary(&forms.category_errors))
                form method="post" action="/admin/categories" {
                    (csrf_input(ctx))
                    (Field::new("title", "Title").value(&forms.category_title).maxlength(100).render(&forms.category_errors))
                    button type="submit" { "Create category" }
                }
            }
            @if !categories.is_empty() {
                section.card aria-labelledby="new-forum" {
                    h2 #new-forum { "New forum" }
                    (error_summary(&forms.forum_errors))
                    form method="post" action="/admin/forums" {
                        (csrf_input(ctx))
                        div.field { label for="f-category_id" { "Category" } (category_select(categories, None, "f-category_id")) }
                        (Field::new("forum_title", "Title").value(&forms.forum.0).maxlength(100).render(&forms.forum_errors))
                        (Field::new("slug", "Address").value(&forms.forum.1).maxlength(60)
                            .hint("Lower-case letters, digits and hyphens, e.g. angry-customers; the forum lives at /f/angry-customers.")
                            .render(&forms.forum_errors))
                        (Field::new("description", "Description").value(&forms.forum.2).maxlength(500).optional().render(&forms.forum_errors))
                        (questions_box("f-questions", forms.forum_questions))
                        button type="submit" { "Create forum" }
                    }
                }
            }
        },
    )
}
