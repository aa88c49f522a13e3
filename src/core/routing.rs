//! Smart routing (issue 12): geo targets, A/B test variants and social
//! previews, validated into typed values; and [`Target`] (`target.rs`), the
//! name of what a visit was served (analytics' `targets` breakdown).
//!
//! The decision that uses them is `core::redirect::decide`; the order is
//! documented there (DESIGN.md §3).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use super::destination::{DestinationUrl, ShortHosts};
use super::fields::kind;
use super::validation::Invalid;

mod target;
pub use target::Target;

pub const MAX_GEO_TARGETS: usize = 50;
pub const MIN_VARIANTS: usize = 2;
pub const MAX_VARIANTS: usize = 4;
pub const MAX_OG_TITLE_CHARS: usize = 200;
pub const MAX_OG_DESCRIPTION_CHARS: usize = 500;

/// An assigned ISO 3166-1 alpha-2 country code, uppercase, as Cloudflare
/// reports in `request.cf.country`. `XK` (Kosovo) is accepted too: it is
/// user-assigned in ISO 3166 but what Cloudflare sends for Kosovo. `XX`
/// (unknown) and `T1` (Tor) are not countries and never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Two letters in either case naming an assigned country; `None` otherwise.
    pub fn parse(text: &str) -> Option<CountryCode> {
        let &[a, b] = text.as_bytes() else {
            return None;
        };
        let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        let upper = std::str::from_utf8(&code).ok()?;
        // A binary search of the library's alphabetical list: its own
        // `for_alpha2` compiles to 10 KiB of string comparisons.
        let assigned = isocountry::CountryCode::as_array_alpha2()
            .binary_search_by(|c| c.alpha2().cmp(upper))
            .is_ok();
        (assigned || upper == "XK").then_some(CountryCode(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XX")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where visitors from each country go: at most [`MAX_GEO_TARGETS`]
/// entries. Empty: no geo targets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeoTargets(BTreeMap<CountryCode, DestinationUrl>);

impl GeoTargets {
    /// Reads the `geo` object: country code → destination URL.
    ///
    /// # Errors
    /// Naming the field (`geo` or `geo.XX`) and what to fix.
    pub fn parse(name: &str, value: Value, short_host: &ShortHosts) -> Result<GeoTargets, Invalid> {
        let Value::Object(map) = value else {
            return Err(Invalid::new(
                name,
                format!(
                    "`{name}` must be an object of country code to URL such as {{\"US\": \"https://example.com/us\"}}, not {}",
                    kind(&value)
                ),
            ));
        };
        if map.len() > MAX_GEO_TARGETS {
            return Err(Invalid::new(
                name,
                format!(
                    "`{name}` may hold at most {MAX_GEO_TARGETS} countries (got {})",
                    map.len()
                ),
            ));
        }
        let mut targets = BTreeMap::new();
        for (code, url) in map {
            let field = format!("{name}.{code}");
            let Some(country) = CountryCode::parse(&code) else {
                return Err(Invalid::new(
                    &field,
                    format!("`{field}`: '{code}' is not an ISO 3166-1 alpha-2 country code such as US or DE"),
                ));
            };
            let url = url_field(&field, url, short_host)?;
            if targets.insert(country, url).is_some() {
                return Err(Invalid::new(
                    &field,
                    format!("`{field}` repeats the country {country}; send each country once"),
                ));
            }
        }
        Ok(GeoTargets(targets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, country: CountryCode) -> Option<&DestinationUrl> {
        self.0.get(&country)
    }

    /// As stored and shown: `{"US": "https://…"}`.
    pub fn to_map(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(code, url)| (code.as_str().to_owned(), Value::from(url.as_str())))
            .collect()
    }

    /// Reads [`GeoTargets::to_map`]'s output back; entries this build
    /// cannot read are skipped.
    pub fn from_map(map: &Map<String, Value>) -> GeoTargets {
        // Inserts rather than `collect`: a BTreeMap built from an iterator
        // sorts it first, and that sort's code costs the bundle ~20 KiB.
        let mut targets = BTreeMap::new();
        for (code, url) in map {
            if let (Some(country), Some(url)) = (CountryCode::parse(code), url.as_str()) {
                targets.insert(country, DestinationUrl::from_stored(url.to_owned()));
            }
        }
        GeoTargets(targets)
    }
}

/// One A/B test variant: a destination and the share of visitors it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub url: DestinationUrl,
    /// 1 to 99; a link's percentages add up to exactly 100.
    pub percentage: u8,
}

/// A link's A/B test: [`MIN_VARIANTS`] to [`MAX_VARIANTS`] variants whose
/// percentages add up to 100. Empty: no test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestVariants(Vec<Variant>);

impl TestVariants {
    /// Reads the `testVariants` list of `{url, percentage}`.
    ///
    /// # Errors
    /// Naming the field (`testVariants`, `testVariants[1].url`, …).
    pub fn parse(
        name: &str,
        value: Value,
        short_host: &ShortHosts,
    ) -> Result<TestVariants, Invalid> {
        let Value::Array(items) = value else {
            return Err(Invalid::new(
                name,
                format!(
                    "`{name}` must be an array of {{\"url\", \"percentage\"}} objects, not {}",
                    kind(&value)
                ),
            ));
        };
        if !(MIN_VARIANTS..=MAX_VARIANTS).contains(&items.len()) {
            return Err(Invalid::new(
                name,
                format!(
                    "`{name}` must hold {MIN_VARIANTS} to {MAX_VARIANTS} variants (got {}); send null to end the test",
                    items.len()
                ),
            ));
        }
        let mut variants = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            variants.push(variant(&format!("{name}[{i}]"), item, short_host)?);
        }
        let total: u32 = variants.iter().map(|v| u32::from(v.percentage)).sum();
        if total != 100 {
            return Err(Invalid::new(
                name,
                format!("the percentages of `{name}` must add up to exactly 100 (got {total})"),
            ));
        }
        Ok(TestVariants(variants))
    }

    /// Variants read back from storage, where they were validated.
    pub fn from_stored(variants: Vec<Variant>) -> TestVariants {
        TestVariants(variants)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn variants(&self) -> &[Variant] {
        &self.0
    }

    /// The variant of the visitor with this fingerprint (`core::fingerprint`),
    /// numbered from 1 in list order: the same visitor always gets the same
    /// one, and over many visitors each gets its percentage. `None` when
    /// there is no test.
    pub fn pick(&self, fingerprint: u64) -> Option<(u8, &DestinationUrl)> {
        let bucket = mix(fingerprint) % 100;
        let mut upper = 0u64;
        for (number, variant) in (1u8..).zip(&self.0) {
            upper += u64::from(variant.percentage);
            if bucket < upper {
                return Some((number, &variant.url));
            }
        }
        None
    }
}

/// SplitMix64's finaliser: spreads the fingerprint's bits before taking a
/// remainder, so the split does not follow the bits unique counting's
/// sketches index by.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn variant(field: &str, item: Value, short_host: &ShortHosts) -> Result<Variant, Invalid> {
    let Value::Object(mut map) = item else {
        return Err(Invalid::new(
            field,
            format!(
                "`{field}` must be an object such as {{\"url\": \"https://example.com/a\", \"percentage\": 50}}, not {}",
                kind(&item)
            ),
        ));
    };
    let url_name = format!("{field}.url");
    let url = match map.remove("url") {
        Some(url) => url_field(&url_name, url, short_host)?,
        None => return Err(Invalid::new(&url_name, format!("`{url_name}` is required"))),
    };
    let pct_name = format!("{field}.percentage");
    let percentage = match map.remove("percentage") {
        Some(value) => value
            .as_u64()
            .filter(|p| (1..=99).contains(p))
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| {
                Invalid::new(
                    &pct_name,
                    format!("`{pct_name}` must be a whole number from 1 to 99 (got {value})"),
                )
            })?,
        None => return Err(Invalid::new(&pct_name, format!("`{pct_name}` is required"))),
    };
    if let Some(extra) = map.keys().next() {
        let extra = format!("{field}.{extra}");
        return Err(Invalid::new(
            &extra,
            format!("`{extra}` is not a variant field; use url and percentage"),
        ));
    }
    Ok(Variant { url, percentage })
}

/// What link-unfurling bots are shown (Open Graph and Twitter Card tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialPreview {
    pub title: String,
    pub description: Option<String>,
    /// An https URL.
    pub image: Option<DestinationUrl>,
}

impl SocialPreview {
    /// Reads the `og` object: `title` (required), `description`, `image`.
    ///
    /// # Errors
    /// Naming the field (`og`, `og.title`, …).
    pub fn parse(
        name: &str,
        value: Value,
        short_host: &ShortHosts,
    ) -> Result<SocialPreview, Invalid> {
        let Value::Object(mut map) = value else {
            return Err(Invalid::new(
                name,
                format!(
                    "`{name}` must be an object such as {{\"title\": \"…\", \"description\": \"…\", \"image\": \"https://…\"}}, not {}",
                    kind(&value)
                ),
            ));
        };
        let title_name = format!("{name}.title");
        let title = match map.remove("title") {
            Some(Value::Null) | None => {
                return Err(Invalid::new(
                    &title_name,
                    format!("`{title_name}` is required: the preview's headline"),
                ))
            }
            Some(value) => text(&title_name, value, MAX_OG_TITLE_CHARS)?,
        };
        let description_name = format!("{name}.description");
        let description = match map.remove("description") {
            Some(Value::Null) | None => None,
            Some(value) => Some(text(&description_name, value, MAX_OG_DESCRIPTION_CHARS)?),
        };
        let image_name = format!("{name}.image");
        let image = match map.remove("image") {
            Some(Value::Null) | None => None,
            Some(value) => {
                let url = url_field(&image_name, value, short_host)?;
                if !url.as_str().starts_with("https://") {
                    return Err(Invalid::new(
                        &image_name,
                        format!("`{image_name}` must be an https URL"),
                    ));
                }
                Some(url)
            }
        };
        if let Some(extra) = map.keys().next() {
            let extra = format!("{name}.{extra}");
            return Err(Invalid::new(
                &extra,
                format!("`{extra}` is not a preview field; use title, description and image"),
            ));
        }
        Ok(SocialPreview {
            title,
            description,
            image,
        })
    }
}

fn text(field: &str, value: Value, max: usize) -> Result<String, Invalid> {
    let Value::String(text) = value else {
        return Err(Invalid::new(
            field,
            format!("`{field}` must be a string, not {}", kind(&value)),
        ));
    };
    let chars = text.chars().count();
    if chars == 0 || chars > max {
        return Err(Invalid::new(
            field,
            format!("`{field}` must be 1 to {max} characters (got {chars})"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(text)
}

/// A URL validated like the destination.
fn url_field(
    field: &str,
    value: Value,
    short_host: &ShortHosts,
) -> Result<DestinationUrl, Invalid> {
    let Value::String(text) = value else {
        return Err(Invalid::new(
            field,
            format!("`{field}` must be a URL string, not {}", kind(&value)),
        ));
    };
    DestinationUrl::parse(&text, short_host)
        .map_err(|e| Invalid::new(field, format!("`{field}` {e}")))
}

#[cfg(test)]
mod tests;
