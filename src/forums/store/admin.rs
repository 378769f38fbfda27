//! Administration of the board's structure: categories and forums, their order.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::IdRow;
use crate::db::prepared as db;
use crate::db::schema::{categories, forums, threads};
use crate::ids::{CategoryId, ForumId};

/// Adds a category at the end.
pub async fn insert_category(conn: &mut AsyncPgConnection, title: &str) -> QueryResult<CategoryId> {
    db::sql(
        "INSERT INTO categories (title, position)
         SELECT $1, COALESCE(max(position), 0) + 1 FROM categories RETURNING id",
    )
    .bind::<Text, _>(title)
    .get_result::<IdRow>(conn)
    .await
    .map(|r| CategoryId(r.id))
}

/// Renames a category.
pub async fn rename_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
    title: &str,
) -> QueryResult<usize> {
    diesel::update(categories::table.find(id))
        .set(categories::title.eq(title))
        .execute(conn)
        .await
}

/// Deletes a category that holds no forums; returns false when it still has some.
pub async fn delete_empty_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
) -> QueryResult<bool> {
    diesel::delete(
        categories::table
            .find(id)
            .filter(diesel::dsl::not(diesel::dsl::exists(
                forums::table.filter(forums::category_id.eq(id)),
            ))),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A forum to insert.
#[derive(Insertable)]
#[diesel(table_name = forums)]
pub struct NewForum<'a> {
    pub category_id: CategoryId,
    pub slug: &'a str,
    pub title: &'a str,
    /// What belongs here.
    pub description: &'a str,
    pub position: i32,
    /// A Questions forum.
    pub questions: bool,
}

/// Adds a forum at the end of its category.
pub async fn insert_forum(
    conn: &mut AsyncPgConnection,
    new: &NewForum<'_>,
) -> QueryResult<ForumId> {
    diesel::insert_into(forums::table)
        .values(new)
        .returning(forums::id)
        .get_result(conn)
        .await
}

/// The next free position in a category.
pub async fn next_forum_position(
    conn: &mut AsyncPgConnection,
    category: CategoryId,
) -> QueryResult<i32> {
    forums::table
        .filter(forums::category_id.eq(category))
        .select(diesel::dsl::max(forums::position))
        .first::<Option<i32>>(conn)
        .await
        .map(|p| p.unwrap_or(0) + 1)
}

/// What an administrator may change of a forum (its slug stays).
pub struct ForumChange<'a> {
    pub category: CategoryId,
    pub title: &'a str,
    /// What belongs here.
    pub description: &'a str,
    /// A Questions forum.
    pub questions: bool,
}

/// Changes a forum's name, description, category and kind.
pub async fn update_forum(
    conn: &mut AsyncPgConnection,
    id: ForumId,
    change: &ForumChange<'_>,
) -> QueryResult<usize> {
    diesel::update(forums::table.find(id))
        .set((
            forums::category_id.eq(change.category),
            forums::title.eq(change.title),
            forums::description.eq(change.description),
            forums::questions.eq(change.questions),
        ))
        .execute(conn)
        .await
}

/// Deletes a forum that has no threads at all; returns false otherwise.
pub async fn delete_empty_forum(conn: &mut AsyncPgConnection, id: ForumId) -> QueryResult<bool> {
    diesel::delete(
        forums::table
            .find(id)
            .filter(diesel::dsl::not(diesel::dsl::exists(
                threads::table.filter(threads::forum_id.eq(id)),
            ))),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Swaps a category with its neighbour above (`up`) or below.
pub async fn move_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
    up: bool,
) -> QueryResult<()> {
    let sql = if up {
        "WITH me AS (SELECT id, position FROM categories WHERE id = $1),
              other AS (SELECT c.id, c.position FROM categories c, me
                         WHERE (c.position, c.id) < (me.position, me.id)
                         ORDER BY c.position DESC, c.id DESC LIMIT 1)
         UPDATE categories SET position = CASE categories.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE categories.id IN (me.id, other.id)"
    } else {
        "WITH me AS (SELECT id, position FROM categories WHERE id = $1),
              other AS (SELECT c.id, c.position FROM categories c, me
                         WHERE (c.position, c.id) > (me.position, me.id)
                         ORDER BY c.position, c.id LIMIT 1)
         UPDATE categories SET position = CASE categories.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE categories.id IN (me.id, other.id)"
    };
    renumber_categories(conn).await?;
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Swaps a forum with its neighbour above (`up`) or below within its category.
pub async fn move_forum(conn: &mut AsyncPgConnection, id: ForumId, up: bool) -> QueryResult<()> {
    let sql = if up {
        "WITH me AS (SELECT id, category_id, position FROM forums WHERE id = $1),
              other AS (SELECT f.id, f.position FROM forums f, me
                         WHERE f.category_id = me.category_id AND (f.position, f.id) < (me.position, me.id)
                         ORDER BY f.position DESC, f.id DESC LIMIT 1)
         UPDATE forums SET position = CASE forums.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE forums.id IN (me.id, other.id)"
    } else {
        "WITH me AS (SELECT id, category_id, position FROM forums WHERE id = $1),
              other AS (SELECT f.id, f.position FROM forums f, me
                         WHERE f.category_id = me.category_id AND (f.position, f.id) > (me.position, me.id)
                         ORDER BY f.position, f.id LIMIT 1)
         UPDATE forums SET position = CASE forums.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE forums.id IN (me.id, other.id)"
    };
    renumber_forums(conn).await?;
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

// Distinct positions make a swap always visible, even after rows were added with equal ones.
async fn renumber_categories(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    db::sql(
        "UPDATE categories SET position = r.n FROM (
             SELECT id, row_number() OVER (ORDER BY position, id)::int AS n FROM categories) r
          WHERE categories.id = r.id AND categories.position <> r.n",
    )
    .execute(conn)
    .await
    .map(|_| ())
}

async fn renumber_forums(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    db::sql(
        "UPDATE forums SET position = r.n FROM (
             SELECT id, row_number() OVER (PARTITION BY category_id ORDER BY position, id)::int AS n
               FROM forums) r
          WHERE forums.id = r.id AND forums.position <> r.n",
    )
    .execute(conn)
    .await
    .map(|_| ())
}
