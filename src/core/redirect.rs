//! What the redirect needs to know about a link: the compact record kept in
//! KV, derived from the link in D1.

use super::link::Link;

/// Everything the hot path reads, in one KV value (format: `store::kv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRecord {
    pub link_id: String,
    pub url: String,
}

impl RedirectRecord {
    pub fn of(link: &Link) -> RedirectRecord {
        RedirectRecord {
            link_id: link.id.clone(),
            url: link.url.as_str().to_owned(),
        }
    }
}
