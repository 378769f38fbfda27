//! Closed sets of words: what settings, forms and columns keep as text, as enums, so that
//! a misspelt word fails where it is read instead of falling through a `match` on strings.

/// Declares an enum whose variants are written as the given words: `as_str`, `Display`,
/// `FromStr` (the error names the word and the choices), serde, and a `Text` column, all
/// by the same words. Variants are ordered as declared.
macro_rules! word_enum {
    ($(#[$doc:meta])* $vis:vis enum $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            serde::Deserialize, diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$vdoc])* #[serde(rename = $word)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            #[allow(dead_code)]
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The word this value is written as.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let word = std::str::from_utf8(value.as_bytes())?;
                Ok(word.parse::<$name>()?)
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::kinds::UnknownWord;
            fn from_str(word: &str) -> Result<Self, Self::Err> {
                match word {
                    $($word => Ok($name::$variant),)+
                    _ => Err(crate::kinds::UnknownWord {
                        word: word.to_string(),
                        choices: &[$($word),+],
                    }),
                }
            }
        }
    };
}
pub(crate) use word_enum;

/// A word that is none of an enum's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// What was given.
    pub word: String,
    /// What would have been understood.
    pub choices: &'static [&'static str],
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown value {:?}; expected one of {}",
            self.word,
            self.choices.join(", ")
        )
    }
}

impl std::error::Error for UnknownWord {}

#[cfg(test)]
mod tests {
    word_enum! {
        /// A test enum.
        enum Colour { Red = "red", DarkBlue = "dark_blue", }
    }

    #[test]
    fn words_go_both_ways_and_strangers_are_named() {
        for colour in Colour::ALL {
            assert_eq!(colour.as_str().parse::<Colour>(), Ok(*colour));
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        let error = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown value \"blue\"; expected one of red, dark_blue"
        );
        assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"red\"");
    }
}
