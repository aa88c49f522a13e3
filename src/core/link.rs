//! Links: what a client may create or change, validated into typed values
//! (a change to one: `patch`).

use serde_json::{Map, Value};

use super::destination::{DestinationUrl, ShortHosts};
use super::fields::{kind, Fields, Present};
use super::ids::{AccountId, Kind, LinkId, LinkKind};
use super::options::{self, Options, OptionsInput};
use super::password::PasswordHash;
use super::random::ID_ENTROPY;
use super::slug::{Slug, GENERATED_ENTROPY};
use super::time::UnixMillis;
use super::validation::{is_bidi_control, Invalid};

mod patch;
pub use patch::{etag, if_match, LinkPatch, Rename};

pub const MAX_TITLE_CHARS: usize = 512;
pub const MAX_METADATA_BYTES: usize = 4_096;

const URL: &[&str] = &["url"];
const SLUG: &[&str] = &["shortCode", "slug"];
const TITLE: &[&str] = &["title"];
const METADATA: &[&str] = &["metadata"];
const VERSION: &[&str] = &["version"];
const ACCEPTED: &[&str] = &["url", "shortCode (or slug)", "title", "metadata"];

/// A stored link, as the API and the redirect see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: LinkId,
    pub account_id: AccountId,
    pub slug: Slug,
    pub url: DestinationUrl,
    pub title: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub clicks: u64,
    pub options: Options,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// 1 at creation, one more on every change: what a conditional PATCH
    /// names (`If-Match: "3"` or `"version": 3`), so a change made from a
    /// stale read is refused rather than silently undone.
    pub version: u64,
}

/// How a client names one of its links in a path: by id or by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRef {
    Id(LinkId),
    Slug(Slug),
}

impl LinkRef {
    /// `link_…` is an id (slugs may not start so); anything else a slug,
    /// reserved words included ([`Slug::for_lookup`]). `None` when it is
    /// neither, which no stored link can match.
    pub fn parse(text: &str) -> Option<LinkRef> {
        if text.starts_with(LinkKind::PREFIX) {
            LinkId::parse(text).map(LinkRef::Id)
        } else {
            Slug::for_lookup(text).ok().map(LinkRef::Slug)
        }
    }
}

/// A validated `POST /v1/links` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    pub url: DestinationUrl,
    /// `None`: generate one.
    pub slug: Option<Slug>,
    pub title: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub options: OptionsInput,
}

impl NewLink {
    /// # Errors
    /// The first invalid field.
    pub fn from_body(body: Value, short_hosts: &ShortHosts) -> Result<NewLink, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let url = match fields.string(URL)? {
            Some((name, text)) => destination(&name, &text, short_hosts)?,
            None => return Err(Invalid::new("url", "`url` is required")),
        };
        let slug = fields
            .string(SLUG)?
            .map(|(n, s)| new_slug(&n, &s))
            .transpose()?;
        let title = title(&mut fields)?.flatten();
        let metadata = metadata(&mut fields)?.flatten();
        let options = OptionsInput::read(&mut fields, short_hosts)?;
        finish(fields, &[])?;
        Ok(NewLink {
            url,
            slug,
            title,
            metadata,
            options,
        })
    }
}

/// Generated slugs collide with probability ~n/3.5e12; a handful of tries
/// is plenty even for millions of links.
pub const GENERATED_SLUG_TRIES: usize = 5;

/// The randomness creating one link needs: its id and the slugs to try
/// when the client asked for none. (A password's salt is drawn where it is
/// hashed, `shell::crypto`.)
pub struct LinkEntropy {
    pub id: [u8; ID_ENTROPY],
    pub slugs: [[u8; GENERATED_ENTROPY]; GENERATED_SLUG_TRIES],
}

/// A link ready to insert, with the generated slugs to try in turn should
/// its slug be taken (none when the client chose the slug: then a taken
/// slug is the client's to resolve).
pub struct Minted {
    pub link: Link,
    pub fallback_slugs: Vec<Slug>,
}

impl NewLink {
    /// The link this body creates for `account_id`, at version 1;
    /// `password` is the hash of its password when the body sets one.
    /// `None` only when every generated slug spelled a reserved word, which
    /// takes astronomical luck.
    pub fn mint(
        self,
        account_id: AccountId,
        now: UnixMillis,
        entropy: &LinkEntropy,
        password: Option<PasswordHash>,
    ) -> Option<Minted> {
        let mut fallback_slugs: Vec<Slug> = match &self.slug {
            Some(_) => Vec::new(),
            None => entropy.slugs.iter().filter_map(Slug::generate).collect(),
        };
        let slug = match self.slug {
            Some(slug) => slug,
            None => fallback_slugs.pop()?,
        };
        let mut options = Options::default();
        self.options.apply(&mut options, password);
        let link = Link {
            id: LinkId::mint(&entropy.id),
            account_id,
            slug,
            url: self.url,
            title: self.title,
            metadata: self.metadata,
            clicks: 0,
            options,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        Some(Minted {
            link,
            fallback_slugs,
        })
    }
}

/// Rejects leftover fields, listing the link's fields, its options and
/// `extra` (what only this request takes).
fn finish(fields: Fields, extra: &[&str]) -> Result<(), Invalid> {
    let accepted: Vec<&str> = ACCEPTED
        .iter()
        .chain(options::ACCEPTED)
        .chain(extra)
        .copied()
        .collect();
    fields.finish(&accepted)
}

fn destination(
    name: &str,
    text: &str,
    short_hosts: &ShortHosts,
) -> Result<DestinationUrl, Invalid> {
    DestinationUrl::parse(text, short_hosts)
        .map_err(|e| Invalid::new(name, format!("`{name}` {e}")))
}

/// A slug a link may newly take.
fn new_slug(name: &str, text: &str) -> Result<Slug, Invalid> {
    Slug::parse(text).map_err(|e| slug_error(name, &e))
}

fn slug_error(name: &str, rule: &str) -> Invalid {
    Invalid::new(name, format!("`{name}` {rule}"))
}

/// `Some(None)` when sent as `null` (clears it on PATCH).
fn title(fields: &mut Fields) -> Result<Option<Option<String>>, Invalid> {
    let Some(Present { name, value }) = fields.take(TITLE)? else {
        return Ok(None);
    };
    let text = match value {
        Value::Null => return Ok(Some(None)),
        Value::String(text) => text,
        other => {
            return Err(Invalid::new(
                &name,
                format!("`{name}` must be a string or null, not {}", kind(&other)),
            ))
        }
    };
    if text.chars().count() > MAX_TITLE_CHARS {
        return Err(Invalid::new(
            &name,
            format!("`{name}` must be at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(
            &name,
            format!("`{name}` must not contain control characters"),
        ));
    }
    if text.chars().any(is_bidi_control) {
        return Err(bidi(&name));
    }
    Ok(Some(Some(text)))
}

/// `Some(None)` when sent as `null` (clears it on PATCH).
fn metadata(fields: &mut Fields) -> Result<Option<Option<Map<String, Value>>>, Invalid> {
    let Some(Present { name, value }) = fields.take(METADATA)? else {
        return Ok(None);
    };
    let map = match value {
        Value::Null => return Ok(Some(None)),
        Value::Object(map) => map,
        other => {
            return Err(Invalid::new(
                &name,
                format!("`{name}` must be a JSON object, not {}", kind(&other)),
            ))
        }
    };
    if let Some(path) = bidi_in(&map, &name) {
        return Err(bidi(&path));
    }
    let size = Value::Object(map.clone()).to_string().len();
    if size > MAX_METADATA_BYTES {
        return Err(Invalid::new(
            &name,
            format!("`{name}` must be at most {MAX_METADATA_BYTES} bytes of JSON (got {size})"),
        ));
    }
    Ok(Some(Some(map)))
}

fn bidi(field: &str) -> Invalid {
    Invalid::new(
        field,
        format!("`{field}` must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C): they disguise what a reader sees"),
    )
}

/// The path (`metadata.a.b`, `metadata.list.0`) of the first key or string
/// value under `map` holding a bidirectional control character.
fn bidi_in(map: &Map<String, Value>, path: &str) -> Option<String> {
    map.iter().find_map(|(key, value)| {
        let here = format!("{path}.{key}");
        if key.chars().any(is_bidi_control) {
            return Some(here);
        }
        match value {
            Value::String(s) => s.chars().any(is_bidi_control).then_some(here),
            Value::Object(inner) => bidi_in(inner, &here),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let mut wrapped = Map::new();
                wrapped.insert(i.to_string(), item.clone());
                bidi_in(&wrapped, &here)
            }),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests;
