//! Post markup: CommonMark with `[quote=NAME post=ID] … [/quote]` blocks, rendered once at
//! write time and cleaned by an allow-list sanitizer.
//!
//! Quotes are parsed before Markdown so they can nest and can be re-rendered when a quoted
//! post is removed: the quoting post then shows "the quoted post was removed" instead of
//! the text, without anything being decided at read time.

pub mod render_pool;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::Builder;
use maud::html;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::ids::PostId;
use crate::web::urls;

/// Quotes nested deeper than this are shown collapsed.
pub const OPEN_QUOTE_DEPTH: usize = 2;

/// How deeply a post may nest quote blocks, Markdown block quotes and lists, together.
/// The HTML parser inside the sanitizer costs time with the square of the nesting, so a
/// post nesting deeper is refused when written (see [`nesting`]); content that is stored
/// deeper anyway renders flattened: quote tags past the limit stay text, and a Markdown
/// passage past it is shown as plain text.
pub const NESTING_MAX: usize = 16;

/// What rendering needs to know of a quoted post.
#[derive(Debug, Clone)]
pub struct QuotedPost {
    /// The quoted post's author, as the forum knows them (not as the quote claims).
    pub author: String,
    /// The quoted post was removed since.
    pub hidden: bool,
    /// Its source: a quote naming the post is shown as its author's only if its lines
    /// are the post's own (see [`holds`]).
    source: String,
    /// It was edited after the quoting post quoted it: the quote says "edited since".
    pub edited_since: bool,
}

impl QuotedPost {
    /// A quoted post by `author` whose source is `source`. Nothing is parsed here: that
    /// happens with the rendering, off the async workers.
    pub fn new(author: String, hidden: bool, source: impl Into<String>) -> Self {
        QuotedPost {
            author,
            hidden,
            source: source.into(),
            edited_since: false,
        }
    }

    /// The same post, marked as edited after it was quoted (or not).
    pub fn edited_since(self, edited_since: bool) -> Self {
        QuotedPost {
            edited_since,
            ..self
        }
    }

    /// Every word of the post's source, quotes in it included, whitespace collapsed.
    fn words(&self) -> String {
        let mut text = String::new();
        all_text(&parse(&self.source), &mut text);
        collapsed(&text)
    }
}

/// Whether every line of `children` (a quote of a post whose [`QuotedPost::words`] are
/// `words`) is the post's own, in the order the post has them: lines may be left out, not
/// made up or moved. Quotes inside naming another known post are checked against that
/// post instead. Each search starts where the last match ended, so the check is linear in
/// both texts.
fn holds(words: &str, children: &[Node], known: &HashMap<i64, QuotedPost>) -> bool {
    let mut text = String::new();
    quote_text(children, known, &mut text);
    let mut from = 0;
    for line in text.lines().map(collapsed).filter(|l| !l.is_empty()) {
        match words[from..].find(&line) {
            Some(at) => from += at + line.len(),
            None => return false,
        }
    }
    true
}

/// All text of `nodes`, at any depth, one node per line.
fn all_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Node::Quote { children, .. } => all_text(children, out),
        }
    }
}

/// The text of a quote's `nodes` that the quoted post must hold: everything but quotes
/// of other posts the forum knows, which answer for themselves.
fn quote_text(nodes: &[Node], known: &HashMap<i64, QuotedPost>, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Node::Quote { post, children, .. } => {
                if !post.is_some_and(|id| known.contains_key(&id)) {
                    quote_text(children, known, out);
                }
            }
        }
    }
}

/// `text` with tag breaks dropped and every run of whitespace made one space.
fn collapsed(text: &str) -> String {
    let text = text.replace(TAG_BREAK, "");
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[derive(Debug, PartialEq)]
enum Node {
    Text(String),
    Quote {
        author: Option<String>,
        post: Option<i64>,
        children: Vec<Node>,
    },
}

/// Removes what must never reach a page: control characters other than tab and newline,
/// and the invisible bidirectional overrides that can disguise text. Line ends become `\n`.
pub fn clean_text(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .chars()
        .filter(|&c| {
            (c == '\n' || c == '\t' || !c.is_control())
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// The post ids quoted anywhere in `source` (nested quotes included), each once.
pub fn quoted_ids(source: &str) -> Vec<i64> {
    fn walk(nodes: &[Node], out: &mut Vec<i64>, seen: &mut HashSet<i64>) {
        for node in nodes {
            if let Node::Quote { post, children, .. } = node {
                if let Some(id) = post
                    && seen.insert(*id)
                {
                    out.push(*id);
                }
                walk(children, out, seen);
            }
        }
    }
    let mut out = Vec::new();
    walk(&parse(source), &mut out, &mut HashSet::new());
    out
}

/// How deeply `source` nests its containers: quote blocks, and inside them Markdown block
/// quotes and lists. Linear in the length of `source`, so it can be asked of any input
/// before it is rendered.
pub fn nesting(source: &str) -> usize {
    let parsed = parse_counted(source);
    let mut deepest = parsed.deepest_quote;
    let mut stack: Vec<(&[Node], usize)> = vec![(&parsed.nodes, 0)];
    while let Some((nodes, depth)) = stack.pop() {
        for node in nodes {
            match node {
                Node::Text(text) => deepest = deepest.max(depth + markdown_nesting(text)),
                Node::Quote { children, .. } => stack.push((children, depth + 1)),
            }
        }
    }
    deepest
}

/// The deepest nesting of Markdown block quotes and lists in `text`.
fn markdown_nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    deepest
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The ids quoted at the top level of `source` (the posts this post answers directly).
pub fn direct_quotes(source: &str) -> Vec<i64> {
    let mut seen = HashSet::new();
    parse(source)
        .iter()
        .filter_map(|node| match node {
            Node::Quote { post: Some(id), .. } if seen.insert(*id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// The text a reply form starts with to quote `source` by `author`. Quotes inside it of
/// posts in `withheld` (posts not everyone may see) keep their tag but lose their words,
/// so quoting a post never repeats what a moderator removed.
pub fn quote_block(author: &str, post_id: i64, source: &str, withheld: &HashSet<i64>) -> String {
    let author: String = author
        .chars()
        .filter(|c| !matches!(c, ']' | '\n'))
        .collect();
    let mut nodes = parse(source.trim());
    withhold(&mut nodes, withheld);
    let mut body = String::new();
    write_source(&nodes, &mut body);
    format!("[quote={author} post={post_id}]\n{body}\n[/quote]\n\n")
}

/// Empties the quotes of `withheld` posts, at any depth.
fn withhold(nodes: &mut [Node], withheld: &HashSet<i64>) {
    for node in nodes {
        if let Node::Quote { post, children, .. } = node {
            if post.is_some_and(|id| withheld.contains(&id)) {
                children.clear();
            } else {
                withhold(children, withheld);
            }
        }
    }
}

/// An invisible character that keeps a `[` from starting a quote tag.
const TAG_BREAK: &str = "\u{2060}";

/// Writes parsed nodes back as source. Quote tags the parser read as plain text (a stray
/// `[quote]` or `[/quote]`) get an invisible break after their `[`, so that once the text
/// sits inside another quote they still read as text and cannot close or swallow it.
fn write_source(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => {
                let mut rest = text.as_str();
                while let Some(at) = rest.find('[') {
                    let (before, tail) = rest.split_at(at + 1);
                    out.push_str(before);
                    if starts_with_ignore_case(tail, "quote")
                        || starts_with_ignore_case(tail, "/quote")
                    {
                        out.push_str(TAG_BREAK);
                    }
                    rest = tail;
                }
                out.push_str(rest);
            }
            Node::Quote {
                author,
                post,
                children,
            } => {
                out.push_str("[quote");
                if author.is_some() || post.is_some() {
                    out.push('=');
                    out.push_str(author.as_deref().unwrap_or(""));
                }
                if let Some(id) = post {
                    out.push_str(&format!(" post={id}"));
                }
                out.push(']');
                write_source(children, out);
                out.push_str("[/quote]");
            }
        }
    }
}

/// What rendering knows of the forum: the quoted posts and the mentioned members.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// The posts the body quotes, by id.
    pub quoted: HashMap<i64, QuotedPost>,
    /// Mentioned members that exist: lower-case name → name as registered.
    pub members: HashMap<String, String>,
}

/// Renders `source` to safe HTML.
pub fn render(source: &str, context: &Context) -> String {
    let mut html = String::new();
    // Each visible quoted post's words, worked out once however often it is quoted.
    let words: HashMap<i64, String> = context
        .quoted
        .iter()
        .filter(|(_, q)| !q.hidden)
        .map(|(id, q)| (*id, q.words()))
        .collect();
    render_nodes(&parse(source), 1, context, &words, &mut html);
    sanitizer().clean(&html).to_string()
}

fn render_nodes(
    nodes: &[Node],
    depth: usize,
    context: &Context,
    words: &HashMap<i64, String>,
    out: &mut String,
) {
    let quoted = &context.quoted;
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(&markdown(text, &context.members, depth - 1)),
            Node::Quote {
                author,
                post,
                children,
            } => {
                // A quote of a visible post whose words are not that post's is shown as a
                // plain quote under the name it claims: no link, no borrowed author.
                let known =
                    post.and_then(|id| quoted.get(&id).map(|q| (id, q)))
                        .filter(|(id, q)| {
                            q.hidden || words.get(id).is_some_and(|w| holds(w, children, quoted))
                        });
                let name = known
                    .map(|(_, q)| q.author.clone())
                    .or_else(|| author.clone());
                let head = html! {
                    p.quote-head {
                        @match (known, &name) {
                            (Some((id, q)), Some(name)) => {
                                a href=(urls::post(PostId(id))) { (name) " wrote:" }
                                @if q.edited_since && !q.hidden { " " span.quote-edited { "(edited since)" } }
                            },
                            (None, Some(name)) => { (name) " wrote:" },
                            (_, None) => { "Quote:" },
                        }
                    }
                };
                out.push_str("<blockquote class=\"quote\">");
                out.push_str(&head.into_string());
                if known.is_some_and(|(_, q)| q.hidden) {
                    out.push_str("<p class=\"quote-removed\">The quoted post was removed.</p>");
                } else if depth > OPEN_QUOTE_DEPTH {
                    out.push_str("<details><summary>Earlier quote</summary>");
                    render_nodes(children, depth + 1, context, words, out);
                    out.push_str("</details>");
                } else {
                    render_nodes(children, depth + 1, context, words, out);
                }
                out.push_str("</blockquote>");
            }
        }
    }
}

/// CommonMark to HTML: raw HTML is shown as text, images become plain links, and
/// `@name` of an existing member links to their profile.
/// A passage nesting past [`NESTING_MAX`] together with the `outer` quotes around it is
/// shown as plain text instead.
fn markdown(text: &str, members: &HashMap<String, String>, outer: usize) -> String {
    let mut in_code_or_link = 0usize;
    let (mut depth, mut deepest) = (outer, outer);
    let events = Parser::new_ext(text, markdown_options()).flat_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => allowed_html(&raw),
        other => vec![other],
    });
    let events = events.map(|event| match event {
        // A block that starts with a tag is shown as a plain paragraph of text.
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let events = events.flat_map(|event| {
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. }) => in_code_or_link += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Link) => {
                in_code_or_link = in_code_or_link.saturating_sub(1)
            }
            Event::InlineHtml(tag) if tag.starts_with("<a ") || tag.starts_with("<code") => {
                in_code_or_link += 1
            }
            Event::InlineHtml(tag) if tag.as_ref() == "</a>" || tag.as_ref() == "</code>" => {
                in_code_or_link = in_code_or_link.saturating_sub(1)
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Text(text) if in_code_or_link == 0 && !members.is_empty() => {
                link_mentions(&text, members)
            }
            other => vec![other],
        }
    });
    let events: Vec<Event> = events.collect();
    if deepest > NESTING_MAX {
        return html! { p.flattened { (text) } }.into_string();
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The inline HTML a post may use, as people know it from comment forms: these tags
/// render (`a` with `href` and `title` only, other tags with no attributes); every other
/// tag is shown as text.
pub const ALLOWED_HTML: &[&str] = &[
    "b",
    "i",
    "em",
    "strong",
    "a",
    "blockquote",
    "code",
    "del",
    "s",
];

/// Raw HTML from the Markdown parser: the allowed tags as tags (written anew, so nothing
/// of the original tag but its allowed attributes survives), everything else as text.
/// The sanitizer afterwards closes what is left open and checks link schemes.
fn allowed_html<'a>(raw: &str) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close + 1];
        match rewritten_tag(tag) {
            Some(clean) => {
                if open > 0 {
                    events.push(Event::Text(rest[..open].to_string().into()));
                }
                events.push(Event::InlineHtml(clean.into()));
            }
            None => events.push(Event::Text(rest[..open + close + 1].to_string().into())),
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        events.push(Event::Text(rest.to_string().into()));
    }
    events
}

/// `tag` written anew if it is an allowed one (see [`ALLOWED_HTML`]).
fn rewritten_tag(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
    if let Some(name) = inner.strip_prefix('/') {
        let name = name.trim().to_ascii_lowercase();
        return ALLOWED_HTML
            .contains(&name.as_str())
            .then(|| format!("</{name}>"));
    }
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    let attributes = inner[name_len..].trim().trim_end_matches('/').trim();
    if !ALLOWED_HTML.contains(&name.as_str()) {
        return None;
    }
    if name != "a" {
        return attributes.is_empty().then(|| format!("<{name}>"));
    }
    let mut href = None;
    let mut title = None;
    let mut rest = attributes;
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let end = after[1..].find(quote)?;
        let value = &after[1..1 + end];
        match key.as_str() {
            "href" if href.is_none() => href = Some(value),
            "title" if title.is_none() => title = Some(value),
            _ => return None,
        }
        rest = after[end + 2..].trim_start();
    }
    let href = href?;
    let escape = |v: &str| html! { (v) }.into_string().replace('"', "&quot;");
    Some(match title {
        Some(title) => format!("<a href=\"{}\" title=\"{}\">", escape(href), escape(title)),
        None => format!("<a href=\"{}\">", escape(href)),
    })
}

/// Splits text around `@name` mentions of existing members, which become profile links.
fn link_mentions<'a>(text: &str, members: &HashMap<String, String>) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some((before, name, after)) = next_mention(rest) {
        plain.push_str(before);
        match members.get(&name.to_lowercase()) {
            Some(canonical) => {
                if !plain.is_empty() {
                    events.push(Event::Text(std::mem::take(&mut plain).into()));
                }
                let link = html! { a.mention href=(urls::profile(canonical)) { "@" (canonical) } };
                events.push(Event::InlineHtml(link.into_string().into()));
            }
            None => {
                plain.push('@');
                plain.push_str(name);
            }
        }
        rest = after;
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        events.push(Event::Text(plain.into()));
    }
    events
}

/// The next `@name` in `text`: (text before the `@`, the name, text after it). An `@`
/// inside a word (an e-mail address) is not a mention.
fn next_mention(text: &str) -> Option<(&str, &str, &str)> {
    let mut search = 0;
    while let Some(offset) = text[search..].find('@') {
        let at = search + offset;
        let preceded_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'));
        let name_len: usize = text[at + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .map(char::len_utf8)
            .sum();
        let name = text[at + 1..at + 1 + name_len].trim_end_matches(['.', '-']);
        if preceded_ok && name.chars().count() >= 3 && name.chars().count() <= 32 {
            return Some((&text[..at], name, &text[at + 1 + name.len()..]));
        }
        search = at + 1;
    }
    None
}

/// Names mentioned as `@name` anywhere in `source` (at most `limit`, each once).
pub fn mentioned_names(source: &str, limit: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = source;
    while let Some((_, name, after)) = next_mention(rest) {
        if !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name) || n.to_lowercase() == name.to_lowercase())
        {
            names.push(name.to_string());
        }
        if names.len() >= limit {
            break;
        }
        rest = after;
    }
    names
}

/// Plain text of rendered post HTML for mail and feeds: tags dropped, quoted blocks left
/// out, entities decoded, white space folded, cut at a word boundary near `max` characters.
pub fn excerpt(html: &str, max: usize) -> String {
    let mut text = String::new();
    let mut quote_depth = 0usize;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        if quote_depth == 0 {
            text.push_str(&rest[..start]);
        }
        let Some(end) = rest[start..].find('>') else {
            // An unclosed tag (the sanitizer never writes one) stays as text, once.
            rest = &rest[start..];
            break;
        };
        let tag = &rest[start + 1..start + end];
        if tag.starts_with("blockquote") {
            quote_depth += 1;
        } else if tag.starts_with("/blockquote") {
            quote_depth = quote_depth.saturating_sub(1);
        } else if quote_depth == 0
            && (tag.starts_with('p')
                || tag.starts_with("br")
                || tag.starts_with("li")
                || tag.starts_with("/p"))
        {
            text.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    if quote_depth == 0 {
        text.push_str(rest);
    }
    // One pass folds white space and decodes entities: search cuts a snippet from the
    // whole text of every post it shows.
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        decode_entities(word, &mut folded);
    }
    if folded.len() <= max || folded.chars().count() <= max {
        return folded;
    }
    let cut: String = folded.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .to_string();
    format!("{cut} …")
}

/// The entities the sanitizer writes into text, and what they stand for.
const ENTITIES: [(&str, &str); 6] = [
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&#39;", "'"),
    ("&#x27;", "'"),
    ("&amp;", "&"),
];

/// Appends `text` to `out` with its entities decoded; an unknown one stays as written.
fn decode_entities(mut text: &str, out: &mut String) {
    while let Some(at) = text.find('&') {
        out.push_str(&text[..at]);
        let rest = &text[at..];
        let (decoded, len) = ENTITIES
            .iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .map_or(("&", 1), |(entity, decoded)| (*decoded, entity.len()));
        out.push_str(decoded);
        text = &rest[len..];
    }
    out.push_str(text);
}

fn sanitizer() -> &'static Builder<'static> {
    static SANITIZER: OnceLock<Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = Builder::default();
        builder
            .rm_tags(["img"])
            .add_tags(["details", "summary"])
            .link_rel(Some("nofollow ugc noopener"))
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .add_allowed_classes("blockquote", ["quote"])
            .add_allowed_classes("a", ["mention"])
            .add_allowed_classes("p", ["quote-head", "quote-removed", "flattened"])
            .add_allowed_classes("span", ["quote-edited"]);
        builder
    })
}

fn parse(source: &str) -> Vec<Node> {
    parse_counted(source).nodes
}

/// Parsed source, and how deep its quote tags went (flattened ones counted).
struct Parsed {
    nodes: Vec<Node>,
    deepest_quote: usize,
}

/// Parses quote blocks; tags nested past [`NESTING_MAX`] stay text, with their closing tags.
fn parse_counted(source: &str) -> Parsed {
    struct Frame {
        author: Option<String>,
        post: Option<i64>,
        open_tag: String,
        children: Vec<Node>,
    }
    fn push_text(nodes: &mut Vec<Node>, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Node::Text(last)) = nodes.last_mut() {
            last.push_str(text);
        } else {
            nodes.push(Node::Text(text.to_string()));
        }
    }

    let mut root: Vec<Node> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Open tags past the limit, kept as text: as many closing tags stay text too.
    let mut flattened = 0usize;
    let mut deepest_quote = 0usize;
    let mut rest = source;
    while !rest.is_empty() {
        let Some(at) = rest.find('[') else {
            let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
            push_text(target, rest);
            break;
        };
        let (before, tail) = rest.split_at(at);
        let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
        push_text(target, before);
        if let Some((len, author, post)) = open_tag(tail) {
            deepest_quote = deepest_quote.max(stack.len() + flattened + 1);
            if stack.len() >= NESTING_MAX {
                flattened += 1;
                let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
                push_text(target, &tail[..len]);
                rest = &tail[len..];
                continue;
            }
            stack.push(Frame {
                author,
                post,
                open_tag: tail[..len].to_string(),
                children: Vec::new(),
            });
            rest = &tail[len..];
        } else if !stack.is_empty() && starts_with_ignore_case(tail, "[/quote]") {
            if flattened > 0 {
                flattened -= 1;
                let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
                push_text(target, &tail[.."[/quote]".len()]);
            } else if let Some(frame) = stack.pop() {
                let node = Node::Quote {
                    author: frame.author,
                    post: frame.post,
                    children: frame.children,
                };
                stack
                    .last_mut()
                    .map_or(&mut root, |f| &mut f.children)
                    .push(node);
            }
            rest = &tail["[/quote]".len()..];
        } else {
            let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
            push_text(target, "[");
            rest = &tail[1..];
        }
    }
    // Quotes never closed are just text.
    while let Some(frame) = stack.pop() {
        let target = stack.last_mut().map_or(&mut root, |f| &mut f.children);
        push_text(target, &frame.open_tag);
        for child in frame.children {
            match child {
                Node::Text(t) => push_text(target, &t),
                quote => target.push(quote),
            }
        }
    }
    Parsed {
        nodes: root,
        deepest_quote,
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Parses `[quote]`, `[quote=NAME]`, `[quote="NAME"]` and either with ` post=ID`:
/// the tag's length, the name and the post id.
fn open_tag(text: &str) -> Option<(usize, Option<String>, Option<i64>)> {
    if !starts_with_ignore_case(text, "[quote") {
        return None;
    }
    let end = text.find(']')?;
    let inner = &text["[quote".len()..end];
    if inner.contains('\n') || inner.len() > 100 {
        return None;
    }
    if inner.is_empty() {
        return Some((end + 1, None, None));
    }
    let inner = inner.strip_prefix('=')?;
    let (name, post) = match inner.rsplit_once(" post=") {
        Some((name, id)) => (name, Some(id.trim().parse::<i64>().ok()?)),
        None => (inner, None),
    };
    let name = name.trim().trim_matches('"').trim();
    let name = (!name.is_empty()).then(|| name.to_string());
    Some((end + 1, name, post))
}

#[cfg(test)]
#[path = "../../tests/common/html_safety.rs"]
mod html_safety;

#[cfg(test)]
mod tests {
    use super::*;
    use html_safety::unsafe_in;

    fn plain(source: &str) -> String {
        render(source, &Context::default())
    }

    fn with_quoted(source: &str, quoted: HashMap<i64, QuotedPost>) -> String {
        render(
            source,
            &Context {
                quoted,
                members: HashMap::new(),
            },
        )
    }

    #[test]
    fn commonmark_is_rendered_and_raw_html_is_inert() {
        assert_eq!(plain("Hello *world*"), "<p>Hello <em>world</em></p>\n");
        let html = plain("<script>alert(1)</script> <b onmouseover=x>bold</b>");
        assert!(!html.contains("<script") && !html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b onmouseover=x&gt;"), "{html}");
    }

    #[test]
    fn the_allowed_inline_tags_render() {
        let html = plain(
            "Say <b>this</b>, <i>that</i>, <em>e</em>, <strong>s</strong>, <code>c</code>, <del>d</del> and <s>x</s>.",
        );
        for tag in [
            "<b>this</b>",
            "<i>that</i>",
            "<em>e</em>",
            "<strong>s</strong>",
            "<code>c</code>",
            "<del>d</del>",
            "<s>x</s>",
        ] {
            assert!(html.contains(tag), "{tag} in {html}");
        }
        let html = plain("See <a href=\"https://example.com/x\" title=\"The \'docs\'\">docs</a>.");
        assert!(html.contains("<a href=\"https://example.com/x\" title=\"The 'docs'\" rel=\"nofollow ugc noopener\">docs</a>"), "{html}");
        let html = plain(
            "<a href=\"javascript:alert(1)\">x</a> <a href=\"/y\" onclick=\"z()\">y</a> <a>n</a>",
        );
        assert!(
            !html.contains("javascript") && !html.contains("<a href=\"/y\""),
            "{html}"
        );
        assert!(html.contains("&lt;a href=\"/y\" onclick"), "{html}");
        let html = plain("<blockquote>wise words</blockquote>");
        assert!(
            html.contains("<blockquote>wise words</blockquote>"),
            "{html}"
        );
        let html = plain("<b>never closed and <img src=x onerror=alert(1)> <iframe src=y>");
        assert!(html.contains("<b>") && html.contains("</b>"), "{html}");
        assert!(
            !html.contains("<img") && !html.contains("<iframe"),
            "{html}"
        );
    }

    #[test]
    fn links_are_marked_and_dangerous_schemes_dropped() {
        let html =
            plain("[site](https://example.com) [x](javascript:alert(1)) [d](data:text/html,hi)");
        assert!(
            html.contains("href=\"https://example.com\" rel=\"nofollow ugc noopener\""),
            "{html}"
        );
        assert!(
            !html.contains("javascript:") && !html.contains("data:"),
            "{html}"
        );
    }

    #[test]
    fn images_become_links() {
        let html = plain("![a cat](https://example.com/cat.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/cat.png\""),
            "{html}"
        );
    }

    #[test]
    fn quotes_name_the_author_link_the_post_and_nest() {
        let quoted = HashMap::from([
            (
                7,
                QuotedPost::new(
                    "karen".into(),
                    false,
                    "[quote=bob post=3]first[/quote]\nsecond",
                ),
            ),
            (3, QuotedPost::new("bob".into(), false, "first")),
        ]);
        let source = "[quote=someone post=7]\n[quote=bob post=3]\nfirst\n[/quote]\nsecond\n[/quote]\n\nMy answer";
        let html = with_quoted(source, quoted);
        assert!(
            html.contains("<a href=\"/p/7\" rel=\"nofollow ugc noopener\">karen wrote:</a>"),
            "{html}"
        );
        assert!(
            html.contains("bob wrote:") && html.contains("first") && html.contains("My answer"),
            "{html}"
        );
        assert!(
            !html.contains("someone"),
            "the forum's name for the author wins: {html}"
        );
        assert_eq!(quoted_ids(source), vec![7, 3]);
        assert_eq!(direct_quotes(source), vec![7]);
    }

    #[test]
    fn deep_quotes_collapse_and_removed_posts_are_not_shown() {
        let source = "[quote=a]\n[quote=b]\n[quote=c]\ndeep\n[/quote]\n[/quote]\n[/quote]";
        let html = plain(source);
        assert_eq!(html.matches("<details>").count(), 1, "{html}");
        let quoted = HashMap::from([(5, QuotedPost::new("karen".into(), true, "secret words"))]);
        let html = with_quoted(
            "[quote=karen post=5]\nsecret words\n[/quote]\nreply",
            quoted,
        );
        assert!(
            html.contains("The quoted post was removed.") && !html.contains("secret words"),
            "{html}"
        );
    }

    #[test]
    fn a_quote_holding_words_the_post_lacks_loses_its_author_link() {
        let quoted = HashMap::from([(
            4,
            QuotedPost::new(
                "karen".into(),
                false,
                "Refunds take a week.\n\nAsk   the desk\nfor  [quote]help.",
            ),
        )]);
        let quote =
            |body: &str| with_quoted(&format!("[quote=x post=4]{body}[/quote]"), quoted.clone());
        let linked = "<a href=\"/p/4\" rel=\"nofollow ugc noopener\">karen wrote:</a>";
        // Whole, shortened, re-wrapped or emptied, it is still Karen's.
        for body in [
            "Refunds take a week.\n\nAsk the desk\nfor [\u{2060}quote]help.",
            "Ask the desk",
            "take a\n\nweek.",
            "",
        ] {
            assert!(quote(body).contains(linked), "{body:?}: {}", quote(body));
        }
        // Made up, reordered, or hidden in a nested plain quote, it is not.
        for body in [
            "Refunds take a month.",
            "Ask the desk\nRefunds take a week.",
            "Refunds take a week.\n[quote=karen]I was wrong.[/quote]",
        ] {
            let html = quote(body);
            assert!(!html.contains("/p/4"), "{body:?}: {html}");
            assert!(
                html.contains("x wrote:"),
                "shown under the name it claims: {html}"
            );
        }
    }

    #[test]
    fn unbalanced_tags_are_text() {
        let html = plain("[quote=karen]never closed");
        assert!(html.contains("[quote=karen]never closed"), "{html}");
        let html = plain("stray [/quote] tag [quote=x post=notanumber]");
        assert!(
            html.contains("stray [/quote] tag [quote=x post=notanumber]"),
            "{html}"
        );
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(clean_text("a\u{0}b\u{202E}c\r\nd\u{7}\te"), "abc\nd\te");
    }

    #[test]
    fn mentions_of_members_link_to_their_profile() {
        let members = HashMap::from([("karen".to_string(), "Karen".to_string())]);
        let context = Context {
            quoted: HashMap::new(),
            members,
        };
        let html = render(
            "Ask @karen or @nobody, not karen@example.com. `@karen`",
            &context,
        );
        assert!(
            html.contains(
                "<a class=\"mention\" href=\"/u/Karen\" rel=\"nofollow ugc noopener\">@Karen</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains("@nobody") && html.contains("karen@example.com"),
            "{html}"
        );
        assert!(html.contains("<code>@karen</code>"), "{html}");
        assert_eq!(
            mentioned_names("hi @Karen and @bob. and @karen again, mail x@y.com", 10),
            vec!["Karen", "bob"]
        );
        assert_eq!(mentioned_names(&"@abc @abd @abe ".repeat(5), 2).len(), 2);
    }

    #[test]
    fn excerpts_are_plain_text_without_quotes() {
        let html =
            plain("[quote=a]\nold words\n[/quote]\nMy **answer** &amp; <more>\n\nSecond paragraph");
        assert_eq!(excerpt(&html, 200), "My answer & <more> Second paragraph");
        assert_eq!(excerpt("<p>one two three four</p>", 9), "one two …");
        assert_eq!(excerpt("one <b two", 99), "one <b two");
        assert_eq!(
            excerpt("<p>&amp;lt; stays &amp;lt; &copy;</p>", 99),
            "&lt; stays &lt; &copy;"
        );
    }

    #[test]
    fn a_stray_quote_tag_in_the_quoted_post_stays_text_inside_the_quote() {
        for source in [
            "Type [quote] to quote",
            "A closing [/QUOTE] tag",
            "[quote=a]open",
        ] {
            let reply = format!("{}Answer", quote_block("karen", 7, source, &HashSet::new()));
            assert_eq!(direct_quotes(&reply), vec![7], "{reply:?}");
            let html = render(&reply, &Context::default());
            assert!(
                html.contains("Answer") && !html.contains("[/quote]"),
                "{html}"
            );
        }
        // Real nested quotes stay quotes.
        let nested = quote_block(
            "bob",
            9,
            "[quote=karen post=7]Hi[/quote]Hello",
            &HashSet::new(),
        );
        assert_eq!(quoted_ids(&nested), vec![9, 7]);
    }

    #[test]
    fn quote_blocks_round_trip() {
        let block = quote_block("karen", 12, "  Hello there \n", &HashSet::new());
        assert_eq!(block, "[quote=karen post=12]\nHello there\n[/quote]\n\n");
        assert_eq!(quoted_ids(&block), vec![12]);
    }

    /// Pieces hostile markup is made of, mixed with arbitrary text by the properties below.
    const PIECES: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![i](data:image/svg+xml,<svg onload=alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "<svg><style>*{}</style></svg>",
        "<div style=\"x\" onclick=\"y\">",
        "[quote=",
        "[quote=eve post=1]",
        "[quote=\"<b onmouseover=x>\" post=2]",
        "[/quote]",
        "@eve",
        "`code`",
        "```\n<script>\n```",
        "**",
        "> ",
        "\n",
        "\n\n",
        "<!--",
        "-->",
        "<iframe src=//evil>",
        "&lt;script&gt;",
        "\u{0}",
        "\u{202e}",
    ];

    fn hostile_source() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            proptest::sample::select(PIECES).prop_map(str::to_string),
            ".{0,12}",
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
    }

    #[test]
    fn the_safety_check_catches_what_it_looks_for() {
        assert!(unsafe_in("<script>x</script>").is_some());
        assert!(unsafe_in("<p onclick=x>y</p>").is_some());
        assert!(unsafe_in("<a href=' JaVa\tscript:x'>y</a>").is_some());
        assert!(unsafe_in("<img src='data:image/png;base64,AA'>").is_some());
        assert!(unsafe_in("<p><a href=\"/t/1\" rel=\"nofollow\">ok</a></p>").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn any_input_renders_to_safe_stable_html(source in hostile_source()) {
            // Quoted posts and mentions known, so those paths render too.
            let quoted = HashMap::from([
                (1, QuotedPost::new("eve".into(), false, "a quote")),
                (2, QuotedPost::new("<b>mallory</b>".into(), true, "")),
            ]);
            let members = HashMap::from([("eve".to_string(), "eve".to_string())]);
            let context = Context { quoted, members };
            let first = render(&source, &context);
            proptest::prop_assert_eq!(&first, &render(&source, &context), "rendering twice differs");
            if let Some(why) = unsafe_in(&first) {
                proptest::prop_assert!(false, "{} in {:?} from {:?}", why, first, source);
            }
        }
    }

    /// Bodies up to the size limit built from the pieces that nest: block quote markers,
    /// list markers, quote tags (closed or not) and line breaks.
    fn nesting_bomb() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(">"),
            Just("> "),
            Just("1. "),
            Just("- "),
            Just("* "),
            Just("  "),
            Just("\n"),
            Just("[quote]"),
            Just("[/quote]"),
            Just("[quote=eve post=1]"),
            Just("text "),
        ];
        (proptest::collection::vec(piece, 1..8), 1usize..20_000).prop_map(|(pieces, times)| {
            let unit = pieces.concat();
            let mut body = unit.repeat(times.min(crate::forums::writing::BODY_MAX / unit.len()));
            body.truncate(crate::forums::writing::BODY_MAX);
            body
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// The bound rendering keeps: measuring the nesting of any body up to the size
        /// limit is quick, and so is rendering it (flattened past the limit), well under a
        /// second on the slowest machine the tests run on.
        #[test]
        fn any_body_up_to_the_limit_renders_quickly(source in nesting_bomb()) {
            let started = std::time::Instant::now();
            let depth = nesting(&source);
            let html = render(&source, &Context::default());
            let took = started.elapsed();
            proptest::prop_assert!(
                took < std::time::Duration::from_millis(500),
                "{:?} for nesting {} ({} bytes of HTML)", took, depth, html.len()
            );
        }
    }
}
