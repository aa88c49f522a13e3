//! Keeping the KV copy of links in step with D1, as pure decisions: which
//! slugs a link's write must clear, and what the reconciliation pass does
//! with each key it lists. The I/O is `sync` (the crate's, not core's).

use super::ids::LinkId;
use super::slug::Slug;

/// The link, and its version, a KV record was written from (its listing
/// metadata), or that D1 holds at a slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub link_id: LinkId,
    pub version: u64,
}

/// What the reconciliation pass does with one listed key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// The record is the live link's, at its version.
    Keep,
    /// No live link holds the slug: the record is an orphan that would keep
    /// redirecting (a lost rename or delete).
    Remove,
    /// A live link holds the slug, but the record is another link's, an
    /// older version, or unlabelled: write it again from D1.
    Republish,
}

/// Compares what a key's record says (`listed`) with what D1 holds at that
/// slug (`live`).
pub fn fix(listed: Option<&Published>, live: Option<&Published>) -> Fix {
    match (listed, live) {
        (_, None) => Fix::Remove,
        (Some(listed), Some(live)) if listed == live => Fix::Keep,
        (_, Some(_)) => Fix::Republish,
    }
}

/// Whether the pass looks at a key at all: `_` keys are never slugs (and
/// no slug starts with `_`), so they are not link records.
pub fn is_link_key(key: &str) -> bool {
    !key.is_empty() && !key.starts_with('_')
}

/// The slugs a link's write must remove from KV: every slug it is known to
/// have published (`known`, its history and what the writer saw) except
/// the one it holds now (`None` once it is deleted), each once.
pub fn stale_slugs(current: Option<&Slug>, known: &[Slug]) -> Vec<Slug> {
    let mut stale: Vec<Slug> = Vec::new();
    for slug in known {
        if Some(slug) != current && !stale.contains(slug) {
            stale.push(slug.clone());
        }
    }
    stale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: &str, version: u64) -> Published {
        Published {
            link_id: LinkId::from_stored(id.into()),
            version,
        }
    }

    #[test]
    fn a_record_without_a_live_link_is_removed() {
        assert_eq!(fix(Some(&at("link_a", 3)), None), Fix::Remove);
        assert_eq!(fix(None, None), Fix::Remove);
    }

    #[test]
    fn a_current_record_is_kept_and_any_other_republished() {
        assert_eq!(
            fix(Some(&at("link_a", 3)), Some(&at("link_a", 3))),
            Fix::Keep
        );
        assert_eq!(
            fix(Some(&at("link_a", 2)), Some(&at("link_a", 3))),
            Fix::Republish
        );
        assert_eq!(
            fix(Some(&at("link_b", 3)), Some(&at("link_a", 3))),
            Fix::Republish
        );
        assert_eq!(fix(None, Some(&at("link_a", 1))), Fix::Republish);
    }

    #[test]
    fn underscore_keys_are_not_link_records() {
        assert!(is_link_key("promo"));
        assert!(is_link_key("qr"));
        assert!(!is_link_key("_reconcile"));
        assert!(!is_link_key(""));
    }

    #[test]
    fn stale_slugs_are_every_known_one_but_the_current_once() {
        let s = |t: &str| Slug::from_stored(t.into());
        let known = [s("a"), s("b"), s("c"), s("b")];
        assert_eq!(stale_slugs(Some(&s("c")), &known), [s("a"), s("b")]);
        assert_eq!(stale_slugs(None, &known), [s("a"), s("b"), s("c")]);
        assert!(stale_slugs(Some(&s("a")), &[s("a")]).is_empty());
    }
}
