//! What makes rendered post HTML unsafe in a page: shared by the markup property test and
//! the fuzz targets, so both hold the renderer to the same rule.

/// Why rendered HTML is unsafe, if it is.
pub fn unsafe_in(html: &str) -> Option<String> {
    let document = scraper::Html::parse_fragment(html);
    for node in document.tree.nodes() {
        let scraper::Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        if matches!(
            name,
            "script" | "iframe" | "object" | "embed" | "style" | "svg"
        ) {
            return Some(format!("<{name}> element"));
        }
        for (attribute, value) in element.attrs() {
            if attribute.to_ascii_lowercase().starts_with("on") || attribute == "style" {
                return Some(format!("{attribute} attribute on <{name}>"));
            }
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(attribute, "href" | "src" | "action" | "formaction")
                && ["javascript:", "data:", "vbscript:"]
                    .iter()
                    .any(|scheme| value.starts_with(scheme))
            {
                return Some(format!("{attribute}={value} on <{name}>"));
            }
        }
    }
    None
}
