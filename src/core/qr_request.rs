//! A QR request's options, read from a JSON body (`POST /v1/qr-codes`) or from a
//! query string (the GET forms), validated into what [`super::qr::render`] takes.
//! Errors name the field as the client sent it.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::fields::Fields;
use super::logo_source::LogoSource;
use super::qr::{ColorField, EcLevel, Format, QrError, QrOptions, Rgba};
use super::validation::Invalid;

/// What to encode, for `POST /v1/qr-codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    LinkId(String),
    Slug(String),
    Url(String),
}

/// Everything about the image, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct QrRequest {
    pub options: QrOptions,
    pub format: Format,
    pub logo: Option<LogoSource>,
}

impl QrRequest {
    /// Reads `size`, `format`, `margin`, `errorCorrection`, `dotsColor`,
    /// `backgroundColor` and `logo` from query pairs, over `base` (a link's saved
    /// style, or the defaults); anything else is refused so a typo is reported rather
    /// than silently ignored.
    ///
    /// # Errors
    /// The first invalid or unknown parameter.
    pub fn from_query<'a>(
        base: QrOptions,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<QrRequest, Invalid> {
        let mut raw = Raw::default();
        for (name, value) in pairs {
            let slot = match name {
                "size" => &mut raw.size,
                "format" => &mut raw.format,
                "margin" => &mut raw.margin,
                "errorCorrection" => &mut raw.ec,
                "dotsColor" => &mut raw.dots,
                "backgroundColor" => &mut raw.background,
                "logo" => &mut raw.logo,
                other => {
                    return Err(Invalid::new(
                        other,
                        format!("unknown query parameter `{other}`; use size, format, margin, errorCorrection, dotsColor, backgroundColor or logo"),
                    ))
                }
            };
            if slot.replace(value.to_owned()).is_some() {
                return Err(Invalid::new(name, format!("`{name}` is given twice")));
            }
        }
        let number = |field: &str, text: Option<&String>| -> Result<Option<u64>, Invalid> {
            text.map(|t| {
                t.trim().parse::<u64>().map_err(|_| {
                    Invalid::new(
                        field,
                        format!("`{field}` must be a whole number, got {t:?}"),
                    )
                })
            })
            .transpose()
        };
        let size = number("size", raw.size.as_ref())?;
        let margin = number("margin", raw.margin.as_ref())?;
        build(base, size, margin, &raw)
    }

    /// Reads the public `GET /{slug}/qr` query: only `format` (svg or png). The
    /// link's owner chooses everything else (its saved style); a visitor's `logo`,
    /// `size` or colours are refused by name, so nobody can make the worker fetch a
    /// URL or draw a costly image, nor defeat caching with options.
    ///
    /// # Errors
    /// Any other parameter, or a bad or repeated `format`.
    pub fn public_format<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Format, Invalid> {
        let mut format = None;
        for (name, value) in pairs {
            if name != "format" {
                return Err(Invalid::new(
                    name,
                    format!("`{name}` cannot be chosen here: this code shows the style its link's owner saved (PUT /v1/links/{{idOrSlug}}/qr-style); only `format` (svg or png) may be given"),
                ));
            }
            if format
                .replace(Format::parse(value).map_err(|e| invalid(&e))?)
                .is_some()
            {
                return Err(Invalid::new("format", "`format` is given twice"));
            }
        }
        Ok(format.unwrap_or_default())
    }

    /// Reads a `POST /v1/qr-codes` body: exactly one of `linkId`, `slug` (alias
    /// `shortCode`) or `url`, then the options, colours and logo under `style`.
    ///
    /// # Errors
    /// The first invalid, missing or unknown field.
    pub fn from_body(body: Value) -> Result<(Target, QrRequest), Invalid> {
        let mut fields = Fields::from_body(body)?;
        let link_id = fields.string(&["linkId"])?.map(|(_, v)| v);
        let slug = fields.string(&["slug", "shortCode"])?.map(|(_, v)| v);
        let url = fields.string(&["url"])?.map(|(_, v)| v);
        let target = match (link_id, slug, url) {
            (Some(id), None, None) => Target::LinkId(id),
            (None, Some(slug), None) => Target::Slug(slug),
            (None, None, Some(url)) => Target::Url(url),
            (None, None, None) => {
                return Err(Invalid::new(
                    "linkId",
                    "give the link to encode as `linkId` or `slug`, or a `url`",
                ))
            }
            _ => {
                return Err(Invalid::new(
                    "linkId",
                    "give only one of `linkId`, `slug` and `url`",
                ))
            }
        };
        let size = whole_number(&mut fields, "size")?;
        let margin = whole_number(&mut fields, "margin")?;
        let format = fields.string(&["format"])?.map(|(_, v)| v);
        let ec = fields.string(&["errorCorrection"])?.map(|(_, v)| v);
        let (mut dots, mut background, mut logo) = (None, None, None);
        if let Some(style) = fields.take(&["style"])? {
            if !style.value.is_null() {
                let mut style = Fields::from_body(style.value).map_err(|_| {
                    Invalid::new(
                        "style",
                        "`style` must be an object with dotsColor, backgroundColor and logo",
                    )
                })?;
                dots = style.string(&["dotsColor"])?.map(|(_, v)| v);
                background = style.string(&["backgroundColor"])?.map(|(_, v)| v);
                logo = style.string(&["logo"])?.map(|(_, v)| v);
                style
                    .finish(&["dotsColor", "backgroundColor", "logo"])
                    .map_err(|e| Invalid::new(format!("style.{}", e.field), e.message))?;
            }
        }
        fields.finish(&[
            "linkId",
            "slug",
            "shortCode",
            "url",
            "size",
            "format",
            "margin",
            "errorCorrection",
            "style",
        ])?;
        let raw = Raw {
            format,
            ec,
            dots,
            background,
            logo,
            ..Raw::default()
        };
        let request = build(QrOptions::default(), size, margin, &raw)?;
        Ok((target, request))
    }

    /// A strong validator for the image: the same text, options and logo bytes make
    /// the same image, byte for byte.
    pub fn etag(&self, text: &str, logo_bytes: Option<&[u8]>) -> String {
        let o = &self.options;
        let mut hash = Sha256::new();
        hash.update(text.as_bytes());
        hash.update([0]);
        let format = match self.format {
            Format::Svg => 0u8,
            Format::Png => 1,
        };
        hash.update(o.size.to_be_bytes());
        hash.update(o.margin.to_be_bytes());
        hash.update([format, o.ec as u8]);
        for c in [o.dark, o.light] {
            hash.update([c.r, c.g, c.b, c.a]);
        }
        if let Some(bytes) = logo_bytes {
            hash.update(Sha256::digest(bytes));
        }
        let digest = hash.finalize();
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("\"{hex}\"")
    }
}

/// Query values as sent, before validation.
#[derive(Default)]
struct Raw {
    size: Option<String>,
    format: Option<String>,
    margin: Option<String>,
    ec: Option<String>,
    dots: Option<String>,
    background: Option<String>,
    logo: Option<String>,
}

/// A JSON field holding a non-negative integer; `null` counts as absent.
fn whole_number(fields: &mut Fields, name: &str) -> Result<Option<u64>, Invalid> {
    match fields.take(&[name])? {
        None => Ok(None),
        Some(p) if p.value.is_null() => Ok(None),
        Some(p) => p.value.as_u64().map(Some).ok_or_else(|| {
            Invalid::new(
                name,
                format!("`{name}` must be a whole number, not {}", p.value),
            )
        }),
    }
}

/// A core QR error as a validation error on the field it names.
pub fn invalid(error: &QrError) -> Invalid {
    Invalid::new(error.field().unwrap_or("style"), error.to_string())
}

/// `base` with the sent options applied: the numbers parsed, the rest as text in `raw`.
fn build(
    base: QrOptions,
    size: Option<u64>,
    margin: Option<u64>,
    raw: &Raw,
) -> Result<QrRequest, Invalid> {
    let (format, ec, dots, background, logo) = (
        raw.format.as_deref(),
        raw.ec.as_deref(),
        raw.dots.as_deref(),
        raw.background.as_deref(),
        raw.logo.as_deref(),
    );
    let mut options = base;
    // Values past u32 are out of range anyway; saturate so the range error reports them.
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    if let Some(size) = size {
        options.size = clamp(size);
    }
    if let Some(margin) = margin {
        options.margin = clamp(margin);
    }
    let qr = |e: QrError| invalid(&e);
    if let Some(ec) = ec {
        options.ec = EcLevel::parse(ec).map_err(qr)?;
    }
    if let Some(dots) = dots {
        options.dark = Rgba::parse(dots.trim(), ColorField::Dots).map_err(qr)?;
    }
    if let Some(background) = background {
        options.light = Rgba::parse(background.trim(), ColorField::Background).map_err(qr)?;
    }
    let format = format
        .map(Format::parse)
        .transpose()
        .map_err(qr)?
        .unwrap_or_default();
    options.validate().map_err(qr)?;
    let logo = logo
        .filter(|l| !l.trim().is_empty())
        .map(|l| LogoSource::parse(l).map_err(|m| Invalid::new("style.logo", format!("logo {m}"))))
        .transpose()?;
    Ok(QrRequest {
        options,
        format,
        logo,
    })
}

#[cfg(test)]
mod tests;
