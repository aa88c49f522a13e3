//! Smart-link options (issue 6): device targets, expiry and its fallback,
//! click cap, password, redirect type, query forwarding, UTM, tags and
//! disabling; and (issue 12) geo targets, A/B test variants and the social
//! preview, whose types and rules are `core::routing`'s.
//!
//! Each option has a camelCase name and, where it differs, a snake_case
//! alias (`expiresAt` / `expires_at`); errors name the field as sent.
//! [`OptionsInput`] is what a create or PATCH body says about them;
//! [`Options`] is what a link has.

use serde_json::Value;

use super::destination::{DestinationUrl, ShortHosts};
use super::fields::{kind, Fields, Present};
use super::password::PasswordHash;
use super::routing::{GeoTargets, SocialPreview, TestVariants};
use super::time::UnixMillis;
use super::validation::Invalid;

mod utm;
pub use utm::{Utm, MAX_UTM_CHARS};

pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 32;
pub const MAX_PASSWORD_CHARS: usize = 128;

const IOS: &[&str] = &["ios"];
const ANDROID: &[&str] = &["android"];
const EXPIRES_AT: &[&str] = &["expiresAt", "expires_at"];
const EXPIRED_URL: &[&str] = &["expiredUrl", "expired_url"];
const MAX_CLICKS: &[&str] = &["maxClicks", "max_clicks"];
const PASSWORD: &[&str] = &["password"];
const REDIRECT_TYPE: &[&str] = &["redirectType", "redirect_type"];
const FORWARD_QUERY: &[&str] = &["forwardQuery", "forward_query"];
const UTM: &[&str] = &["utm"];
const TAGS: &[&str] = &["tags"];
const DISABLED: &[&str] = &["disabled"];
const GEO: &[&str] = &["geo"];
const TEST_VARIANTS: &[&str] = &["testVariants", "test_variants"];
const OG: &[&str] = &["og"];

/// The option names, for the "accepted fields are …" message.
pub const ACCEPTED: &[&str] = &[
    "ios",
    "android",
    "expiresAt (or expires_at)",
    "expiredUrl (or expired_url)",
    "maxClicks (or max_clicks)",
    "password",
    "redirectType (or redirect_type)",
    "forwardQuery (or forward_query)",
    "utm",
    "tags",
    "disabled",
    "geo",
    "testVariants (or test_variants)",
    "og",
];

/// The redirect's status code. 302 by default: 301 and 308 are cached by
/// browsers, so repeat visits never reach us and go uncounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedirectType {
    MovedPermanently,
    #[default]
    Found,
    TemporaryRedirect,
    PermanentRedirect,
}

impl RedirectType {
    pub fn status(self) -> u16 {
        match self {
            RedirectType::MovedPermanently => 301,
            RedirectType::Found => 302,
            RedirectType::TemporaryRedirect => 307,
            RedirectType::PermanentRedirect => 308,
        }
    }

    pub fn from_status(status: u64) -> Option<RedirectType> {
        match status {
            301 => Some(RedirectType::MovedPermanently),
            302 => Some(RedirectType::Found),
            307 => Some(RedirectType::TemporaryRedirect),
            308 => Some(RedirectType::PermanentRedirect),
            _ => None,
        }
    }
}

/// A tag: 1–32 ASCII letters, digits, `-` or `_`, kept lowercase so `Sale`
/// and `sale` are one tag. The charset has no spaces, quotes or LIKE
/// wildcards other than `_`, and tags are matched by equality.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(String);

impl Tag {
    /// # Errors
    /// A message saying what to fix.
    pub fn parse(text: &str) -> Result<Tag, String> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_TAG_CHARS {
            return Err(format!(
                "must be 1 to {MAX_TAG_CHARS} characters (got '{text}')"
            ));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "may contain only letters, digits, '-' and '_' (got '{text}')"
            ));
        }
        Ok(Tag(text.to_ascii_lowercase()))
    }

    pub fn from_stored(text: String) -> Tag {
        Tag(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link's smart options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub ios: Option<DestinationUrl>,
    pub android: Option<DestinationUrl>,
    pub expires_at: Option<UnixMillis>,
    /// Where visitors go once the link has expired, instead of a 410.
    pub expired_url: Option<DestinationUrl>,
    /// Human clicks after which the link behaves as expired.
    pub max_clicks: Option<u32>,
    pub password: Option<PasswordHash>,
    pub redirect_type: RedirectType,
    pub forward_query: bool,
    pub utm: Utm,
    pub tags: Vec<Tag>,
    pub disabled: bool,
    pub geo: GeoTargets,
    pub test_variants: TestVariants,
    pub og: Option<SocialPreview>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ios: None,
            android: None,
            expires_at: None,
            expired_url: None,
            max_clicks: None,
            password: None,
            redirect_type: RedirectType::default(),
            forward_query: true,
            utm: Utm::default(),
            tags: Vec::new(),
            disabled: false,
            geo: GeoTargets::default(),
            test_variants: TestVariants::default(),
            og: None,
        }
    }
}

/// What a body says about the options. Outer `None`: not sent (unchanged
/// on PATCH); `Some(None)`: sent as `null` (cleared).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OptionsInput {
    pub ios: Option<Option<DestinationUrl>>,
    pub android: Option<Option<DestinationUrl>>,
    pub expires_at: Option<Option<UnixMillis>>,
    pub expired_url: Option<Option<DestinationUrl>>,
    pub max_clicks: Option<Option<u32>>,
    /// The plain password; the caller hashes it (WebCrypto) for [`OptionsInput::apply`].
    pub password: Option<Option<String>>,
    /// `null` resets to the default, 302.
    pub redirect_type: Option<RedirectType>,
    pub forward_query: Option<bool>,
    /// Replaces the whole `utm` object; `null` clears it.
    pub utm: Option<Utm>,
    /// Replaces the whole list; `null` clears it.
    pub tags: Option<Vec<Tag>>,
    pub disabled: Option<bool>,
    /// Replaces the whole map; `null` (or `{}`) clears it.
    pub geo: Option<GeoTargets>,
    /// Replaces the whole test; `null` ends it.
    pub test_variants: Option<TestVariants>,
    pub og: Option<Option<SocialPreview>>,
}

impl OptionsInput {
    /// Takes the option fields out of `fields`.
    ///
    /// # Errors
    /// The first invalid option, by the name the client used.
    pub fn read(fields: &mut Fields, short_host: &ShortHosts) -> Result<OptionsInput, Invalid> {
        let url = |fields: &mut Fields, names| -> Result<Option<Option<DestinationUrl>>, Invalid> {
            nullable(fields, names, |name, value| {
                let text = string(name, value)?;
                DestinationUrl::parse(&text, short_host)
                    .map_err(|e| Invalid::new(name, format!("`{name}` {e}")))
            })
        };
        Ok(OptionsInput {
            ios: url(fields, IOS)?,
            android: url(fields, ANDROID)?,
            expires_at: nullable(fields, EXPIRES_AT, |name, value| {
                let text = string(name, value)?;
                UnixMillis::parse_rfc3339(&text).ok_or_else(|| {
                    Invalid::new(
                        name,
                        format!(
                            "`{name}` must be an RFC 3339 time such as 2026-12-31T23:59:59Z (got '{text}')"
                        ),
                    )
                })
            })?,
            expired_url: url(fields, EXPIRED_URL)?,
            max_clicks: nullable(fields, MAX_CLICKS, |name, value| {
                value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| {
                        Invalid::new(
                            name,
                            format!("`{name}` must be a whole number from 1 to {} (got {value}); send null to remove the cap", u32::MAX),
                        )
                    })
            })?,
            password: nullable(fields, PASSWORD, |name, value| {
                let text = string(name, value)?;
                let chars = text.chars().count();
                if chars == 0 || chars > MAX_PASSWORD_CHARS {
                    return Err(Invalid::new(
                        name,
                        format!("`{name}` must be 1 to {MAX_PASSWORD_CHARS} characters (got {chars}); send null to remove it"),
                    ));
                }
                Ok(text)
            })?,
            redirect_type: nullable(fields, REDIRECT_TYPE, |name, value| {
                value
                    .as_u64()
                    .and_then(RedirectType::from_status)
                    .ok_or_else(|| {
                        Invalid::new(
                            name,
                            format!("`{name}` must be 301, 302, 307 or 308 (got {value})"),
                        )
                    })
            })?
            .map(Option::unwrap_or_default),
            forward_query: fields.boolean(FORWARD_QUERY)?,
            utm: nullable(fields, UTM, utm::parse)?.map(Option::unwrap_or_default),
            tags: nullable(fields, TAGS, tags)?.map(Option::unwrap_or_default),
            disabled: fields.boolean(DISABLED)?,
            geo: nullable(fields, GEO, |name, value| {
                GeoTargets::parse(name, value, short_host)
            })?
            .map(Option::unwrap_or_default),
            test_variants: nullable(fields, TEST_VARIANTS, |name, value| {
                TestVariants::parse(name, value, short_host)
            })?
            .map(Option::unwrap_or_default),
            og: nullable(fields, OG, |name, value| {
                SocialPreview::parse(name, value, short_host)
            })?,
        })
    }

    /// Applies this input to `options`; `password` is the hash of the new
    /// password when this input sets one.
    pub fn apply(self, options: &mut Options, password: Option<PasswordHash>) {
        if let Some(ios) = self.ios {
            options.ios = ios;
        }
        if let Some(android) = self.android {
            options.android = android;
        }
        if let Some(expires_at) = self.expires_at {
            options.expires_at = expires_at;
        }
        if let Some(expired_url) = self.expired_url {
            options.expired_url = expired_url;
        }
        if let Some(max_clicks) = self.max_clicks {
            options.max_clicks = max_clicks;
        }
        if let Some(new) = self.password {
            options.password = new.and(password);
        }
        if let Some(redirect_type) = self.redirect_type {
            options.redirect_type = redirect_type;
        }
        if let Some(forward_query) = self.forward_query {
            options.forward_query = forward_query;
        }
        if let Some(utm) = self.utm {
            options.utm = utm;
        }
        if let Some(tags) = self.tags {
            options.tags = tags;
        }
        if let Some(disabled) = self.disabled {
            options.disabled = disabled;
        }
        if let Some(geo) = self.geo {
            options.geo = geo;
        }
        if let Some(test_variants) = self.test_variants {
            options.test_variants = test_variants;
        }
        if let Some(og) = self.og {
            options.og = og;
        }
    }

    /// The new password this input sets, to be hashed before [`Self::apply`].
    pub fn new_password(&self) -> Option<&str> {
        match &self.password {
            Some(Some(password)) => Some(password),
            _ => None,
        }
    }
}

/// A field that may be `null`: `Some(None)` then.
fn nullable<T>(
    fields: &mut Fields,
    names: &[&str],
    parse: impl FnOnce(&str, Value) -> Result<T, Invalid>,
) -> Result<Option<Option<T>>, Invalid> {
    match fields.take(names)? {
        None => Ok(None),
        Some(Present {
            value: Value::Null, ..
        }) => Ok(Some(None)),
        Some(Present { name, value }) => parse(&name, value).map(|v| Some(Some(v))),
    }
}

fn string(name: &str, value: Value) -> Result<String, Invalid> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(Invalid::new(
            name,
            format!("`{name}` must be a string or null, not {}", kind(&other)),
        )),
    }
}

/// Up to [`MAX_TAGS`] tags; duplicates (after lowercasing) are dropped.
fn tags(name: &str, value: Value) -> Result<Vec<Tag>, Invalid> {
    let Value::Array(items) = value else {
        return Err(Invalid::new(
            name,
            format!("`{name}` must be an array of strings, not {}", kind(&value)),
        ));
    };
    if items.len() > MAX_TAGS {
        return Err(Invalid::new(
            name,
            format!(
                "`{name}` may hold at most {MAX_TAGS} tags (got {})",
                items.len()
            ),
        ));
    }
    let mut tags: Vec<Tag> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let field = format!("{name}[{i}]");
        let Value::String(text) = item else {
            return Err(Invalid::new(
                &field,
                format!("`{field}` must be a string, not {}", kind(&item)),
            ));
        };
        let tag = Tag::parse(&text).map_err(|e| Invalid::new(&field, format!("`{field}` {e}")))?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

#[cfg(test)]
mod tests;
