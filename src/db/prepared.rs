//! Raw SQL that PostgreSQL prepares once per connection.
//!
//! `diesel::sql_query` marks every statement as one-off, so each run is parsed, analysed
//! and planned again; for the fixed statements behind every page that cost more than
//! running them. [`sql`] keeps them in the connection's statement cache (keyed by their
//! text and bind types). Keep `sql_query` where the best plan depends on the values
//! (filtered full-text search), since a kept statement may switch to a generic plan;
//! `search::strategy` shows how to keep such statements anyway, one per plan.

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::Error;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// A fixed SQL text with `$n` placeholders (no dollar-quoted strings) and its values.
pub struct PreparedSql<'a> {
    text: &'static str,
    values: Vec<Box<dyn BindValue + 'a>>,
}

/// Raw SQL whose prepared statement is kept and reused.
pub fn sql<'a>(text: &'static str) -> PreparedSql<'a> {
    PreparedSql {
        text,
        values: Vec::new(),
    }
}

impl<'a> PreparedSql<'a> {
    /// Gives the next placeholder (`$1`, then `$2`…) its value.
    pub fn bind<ST, V>(mut self, value: V) -> PreparedSql<'a>
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + 'a,
        ST: Send + 'a,
    {
        self.values
            .push(Box::new(Value::<ST, V>(value, PhantomData)));
        self
    }
}

/// One value, with the SQL type it is sent as.
trait BindValue: Send {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

struct Value<ST, V>(V, PhantomData<ST>);

impl<ST: Send, V: ToSql<ST, Pg> + Send> BindValue for Value<ST, V>
where
    Pg: HasSqlType<ST>,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.0)
    }
}

impl QueryFragment<Pg> for PreparedSql<'_> {
    // Diesel numbers placeholders itself: each `$n` of the text becomes a bind of value n.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut rest = self.text;
        while let Some(at) = rest.find('$') {
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                out.push_sql(&rest[..=at]);
                rest = &rest[at + 1..];
                continue;
            }
            out.push_sql(&rest[..at]);
            let value = rest[at + 1..at + 1 + digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| self.values.get(n.checked_sub(1)?))
                .ok_or_else(|| {
                    Error::QueryBuilderError(
                        format!("no value for {}", &rest[at..at + 1 + digits]).into(),
                    )
                })?;
            value.push(&mut out)?;
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

impl QueryId for PreparedSql<'_> {
    type QueryId = ();
    // No static id: the statement cache is keyed by the SQL text and the bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for PreparedSql<'_> {
    type SqlType = Untyped;
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{BigInt, Text};

    #[test]
    fn each_placeholder_becomes_a_bind_of_its_value() {
        let query = sql("SELECT $2::text, $1, $2 || '$', price FROM t WHERE x = $1")
            .bind::<BigInt, _>(7_i64)
            .bind::<Text, _>("a");
        let shown = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(
            shown.starts_with("SELECT $1::text, $2, $3 || '$', price FROM t WHERE x = $4"),
            "{shown}"
        );
        assert!(shown.contains(r#"["a", 7, "a", 7]"#), "{shown}");
    }

    #[test]
    fn a_placeholder_without_a_value_is_an_error() {
        let query = sql("SELECT $1, $2").bind::<BigInt, _>(1_i64);
        let mut builder = diesel::pg::PgQueryBuilder::default();
        assert!(QueryFragment::<Pg>::to_sql(&query, &mut builder, &Pg).is_err());
    }
}
