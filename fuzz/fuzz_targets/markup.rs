//! Any text a member can post renders without panicking to the same safe HTML every time,
//! whether or not the posts and members it names exist.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use parley::markup::{self, Context, QuotedPost};

#[path = "../../tests/common/html_safety.rs"]
mod html_safety;

fuzz_target!(|source: &str| {
    let source = markup::clean_text(source);
    let bare = markup::render(&source, &Context::default());
    let known = Context {
        quoted: markup::quoted_ids(&source)
            .into_iter()
            .map(|id| {
                // Half the quoted posts hidden; the visible ones hold the whole source, so
                // their quotes are found genuine and render as theirs.
                let quoted =
                    QuotedPost::new(format!("<b>member {id}</b>"), id % 2 == 0, &source);
                (id, quoted)
            })
            .collect(),
        members: markup::mentioned_names(&source, 20)
            .into_iter()
            .map(|name| (name.to_lowercase(), name))
            .collect::<HashMap<_, _>>(),
    };
    for context in [Context::default(), known] {
        let html = markup::render(&source, &context);
        assert_eq!(
            html,
            markup::render(&source, &context),
            "rendering twice differs"
        );
        if let Some(why) = html_safety::unsafe_in(&html) {
            panic!("{why} in {html:?}");
        }
        let _ = markup::excerpt(&html, 200);
    }
    drop(bare);
});
