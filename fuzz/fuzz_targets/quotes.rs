//! The quote parser: any text parses without panicking, and quoting a post always yields a
//! block that is the reply's only direct quote, names that post first and keeps the
//! quotes of the original inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley::markup;

fuzz_target!(|input: (&str, u32, &str)| {
    let (author, post_id, source) = input;
    let post_id = i64::from(post_id);
    let source = markup::clean_text(source);
    // Quotes are made for members, whose names are short: letters, digits and `._-`.
    let author: String = author
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(parley::accounts::validate::USERNAME_MAX)
        .collect();
    let all = markup::quoted_ids(&source);
    let direct = markup::direct_quotes(&source);
    assert!(
        direct.iter().all(|id| all.contains(id)),
        "a direct quote is a quote"
    );

    let block = markup::quote_block(&author, post_id, &source, &Default::default());
    let reply = format!("{block}My answer.");
    let quoted = markup::quoted_ids(&reply);
    assert_eq!(
        markup::direct_quotes(&reply),
        vec![post_id],
        "the block quotes {post_id}: {reply:?}"
    );
    assert_eq!(quoted.first(), Some(&post_id));
    for id in &all {
        assert!(
            quoted.contains(id),
            "the quote keeps the quotes it quotes: {reply:?}"
        );
    }
});
