//! A `PATCH /v1/links/{idOrSlug}` body, and the versions that make it
//! conditional (`If-Match`, the body's `version`, a link's ETag).

use serde_json::{Map, Value};

use super::{destination, finish, metadata, new_slug, slug_error, title, Link, SLUG, URL, VERSION};
use crate::core::destination::{DestinationUrl, ShortHosts};
use crate::core::fields::{kind, Fields, Present};
use crate::core::options::OptionsInput;
use crate::core::password::PasswordHash;
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;
use crate::core::validation::Invalid;

/// A validated `PATCH /v1/links/{idOrSlug}` body. Outer `None`: unchanged;
/// `Some(None)`: cleared.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkPatch {
    /// The version the client read (`"version"`); `None`: whatever version
    /// the server reads, still applied only if unchanged when written.
    pub version: Option<u64>,
    pub url: Option<DestinationUrl>,
    pub slug: Option<Rename>,
    pub title: Option<Option<String>>,
    pub metadata: Option<Option<Map<String, Value>>>,
    pub options: OptionsInput,
}

/// A PATCH's slug: valid to look up when read, and held to the reserved
/// words only if it is not the link's own, so that a client sending back
/// the link it read can still edit a link whose slug a later release
/// reserved (`Slug::for_lookup`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    slug: Slug,
    /// Why the slug may not be newly taken, when it may not.
    refused: Option<Invalid>,
}

impl Rename {
    fn read(name: &str, text: &str) -> Result<Rename, Invalid> {
        let slug = Slug::for_lookup(text).map_err(|e| slug_error(name, &e))?;
        let refused = new_slug(name, text).err();
        Ok(Rename { slug, refused })
    }

    /// The slug a link holding `current` gets.
    ///
    /// # Errors
    /// A reserved word other than `current`.
    fn onto(self, current: &Slug) -> Result<Slug, Invalid> {
        match self.refused {
            Some(refused) if self.slug != *current => Err(refused),
            _ => Ok(self.slug),
        }
    }
}

impl LinkPatch {
    /// # Errors
    /// The first invalid field.
    pub fn from_body(body: Value, short_hosts: &ShortHosts) -> Result<LinkPatch, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let version = match fields.take(VERSION)? {
            None => None,
            Some(Present { name, value }) => Some(
                value
                    .as_u64()
                    .filter(|&v| v >= 1)
                    .ok_or_else(|| {
                        Invalid::new(
                            &name,
                            format!("`{name}` must be the link's version as read, a whole number from 1 (got {value})"),
                        )
                    })?,
            ),
        };
        let url = match fields.take(URL)? {
            None => None,
            Some(Present {
                name,
                value: Value::String(text),
            }) => Some(destination(&name, &text, short_hosts)?),
            Some(Present { name, value }) => {
                return Err(Invalid::new(
                    &name,
                    format!("`{name}` must be a string, not {}", kind(&value)),
                ))
            }
        };
        let slug = match fields.take(SLUG)? {
            None => None,
            Some(Present {
                name,
                value: Value::String(text),
            }) => Some(Rename::read(&name, &text)?),
            Some(Present { name, value }) => {
                return Err(Invalid::new(
                    &name,
                    format!("`{name}` must be a string, not {}", kind(&value)),
                ))
            }
        };
        let title = title(&mut fields)?;
        let metadata = metadata(&mut fields)?;
        let options = OptionsInput::read(&mut fields, short_hosts)?;
        finish(fields, VERSION)?;
        Ok(LinkPatch {
            version,
            url,
            slug,
            title,
            metadata,
            options,
        })
    }

    /// The version this patch must apply to: `If-Match` (`"3"`, `W/"3"` or
    /// `*`) and the body's `version`, which must agree when both are sent;
    /// `None` when neither names one.
    ///
    /// # Errors
    /// A malformed `If-Match`, or one that contradicts the body.
    pub fn expected_version(&self, header: Option<&str>) -> Result<Option<u64>, Invalid> {
        match (if_match(header)?, self.version) {
            (Some(h), Some(b)) if h != b => Err(Invalid::new(
                "version",
                format!(
                    "`version` ({b}) and `If-Match` (\"{h}\") name different versions; send one"
                ),
            )),
            (h, b) => Ok(h.or(b)),
        }
    }

    /// The link as it is after this patch, one version on; `password` is
    /// the hash of the new password when the patch sets one.
    ///
    /// # Errors
    /// A rename onto a reserved word.
    pub fn apply(
        self,
        mut link: Link,
        now: UnixMillis,
        password: Option<PasswordHash>,
    ) -> Result<Link, Invalid> {
        if let Some(rename) = self.slug {
            link.slug = rename.onto(&link.slug)?;
        }
        if let Some(url) = self.url {
            link.url = url;
        }
        if let Some(title) = self.title {
            link.title = title;
        }
        if let Some(metadata) = self.metadata {
            link.metadata = metadata;
        }
        self.options.apply(&mut link.options, password);
        link.updated_at = now;
        link.version += 1;
        Ok(link)
    }
}

/// The version an `If-Match` header names: `"3"` or `W/"3"`; `None` for
/// no header or `*` (any version).
///
/// # Errors
/// Anything else, naming `If-Match`.
pub fn if_match(header: Option<&str>) -> Result<Option<u64>, Invalid> {
    match header.map(str::trim) {
        None | Some("*") => Ok(None),
        Some(text) => parse_etag(text).map(Some).ok_or_else(|| {
            Invalid::new(
                "If-Match",
                format!("`If-Match` must be the link's version as an entity tag, e.g. \"3\" (got {text})"),
            )
        }),
    }
}

/// The version in an entity tag: `"3"` or `W/"3"` (a link's ETag is its
/// version).
fn parse_etag(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.strip_prefix('"')?
        .strip_suffix('"')?
        .parse()
        .ok()
        .filter(|&v| v >= 1)
}

/// The entity tag of a link at `version`.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}
