//! A link's saved QR style (`/v1/links/{idOrSlug}/qr-style`, CONTRACTS.md):
//! colours, size, margin, error correction and a logo, chosen by the link's
//! owner and rendered by the public `GET /{slug}/qr`, which lets a visitor
//! choose nothing but the format. The logo is fetched and vetted once, when
//! saved, and kept scaled to what is ever drawn (`qr::Logo::for_saving`).

use serde_json::Value;

use super::fields::{kind, Fields, Present};
use super::logo_source::LogoSource;
use super::qr::{ColorField, EcLevel, Logo, LogoKind, QrError, QrOptions, Rgba};
use super::time::UnixMillis;
use super::validation::Invalid;

const ACCEPTED: &[&str] = &[
    "dotsColor",
    "backgroundColor",
    "size",
    "margin",
    "errorCorrection",
    "logo",
];

/// A saved style; every link has one (the defaults until its owner saves).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QrStyle {
    pub options: QrOptions,
    pub logo: Option<SavedLogo>,
    /// `None`: never saved, the defaults.
    pub updated_at: Option<UnixMillis>,
}

/// A logo as saved: its file (at most `qr::MAX_LOGO_BYTES`, at most
/// `qr::MAX_DRAWN_SIDE` pixels a side) and what the view says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLogo {
    pub kind: LogoKind,
    pub bytes: Vec<u8>,
    /// `None` for SVG, which has no pixels of its own.
    pub size: Option<(u32, u32)>,
}

impl SavedLogo {
    pub fn of(logo: &Logo) -> SavedLogo {
        SavedLogo {
            kind: logo.kind(),
            bytes: logo.bytes().to_vec(),
            size: logo.dimensions(),
        }
    }

    /// The logo to draw, decoded again from the saved file.
    ///
    /// # Errors
    /// Only for a file that was not saved by [`SavedLogo::of`].
    pub fn decode(&self) -> Result<Logo, QrError> {
        Logo::from_bytes(self.bytes.clone(), self.kind.mime())
    }
}

/// A `PUT` body. Every field is optional: absent keeps the saved value,
/// `null` goes back to the default (for `logo`: no logo).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StylePatch {
    dots: Option<Option<Rgba>>,
    background: Option<Option<Rgba>>,
    size: Option<Option<u32>>,
    margin: Option<Option<u32>>,
    ec: Option<Option<EcLevel>>,
    /// Where a new logo comes from; `Some(None)` removes the logo.
    pub logo: Option<Option<LogoSource>>,
}

impl StylePatch {
    /// # Errors
    /// The first invalid or unknown field.
    pub fn from_body(body: Value) -> Result<StylePatch, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let colour = |fields: &mut Fields, name: &str, which: ColorField| {
            nullable(fields, name, |text| {
                Rgba::parse(text.trim(), which).map_err(|e| qr_invalid(&e))
            })
        };
        let patch = StylePatch {
            dots: colour(&mut fields, "dotsColor", ColorField::Dots)?,
            background: colour(&mut fields, "backgroundColor", ColorField::Background)?,
            size: whole(&mut fields, "size")?,
            margin: whole(&mut fields, "margin")?,
            ec: nullable(&mut fields, "errorCorrection", |text| {
                EcLevel::parse(text).map_err(|e| qr_invalid(&e))
            })?,
            logo: nullable(&mut fields, "logo", |text| {
                LogoSource::parse(text).map_err(|m| Invalid::new("logo", format!("`logo` {m}")))
            })?,
        };
        fields.finish(ACCEPTED)?;
        Ok(patch)
    }

    /// The style after this patch; `logo` is the new logo when the patch
    /// sets one (loaded and prepared from [`StylePatch::logo`]).
    ///
    /// # Errors
    /// When the resulting options are out of range or lack contrast.
    pub fn apply(
        self,
        mut style: QrStyle,
        logo: Option<Logo>,
        now: UnixMillis,
    ) -> Result<QrStyle, Invalid> {
        let defaults = QrOptions::default();
        let o = &mut style.options;
        if let Some(dots) = self.dots {
            o.dark = dots.unwrap_or(defaults.dark);
        }
        if let Some(background) = self.background {
            o.light = background.unwrap_or(defaults.light);
        }
        if let Some(size) = self.size {
            o.size = size.unwrap_or(defaults.size);
        }
        if let Some(margin) = self.margin {
            o.margin = margin.unwrap_or(defaults.margin);
        }
        if let Some(ec) = self.ec {
            o.ec = ec.unwrap_or(defaults.ec);
        }
        o.validate().map_err(|e| qr_invalid(&e))?;
        if let Some(source) = self.logo {
            style.logo = source.and(logo.as_ref().map(SavedLogo::of));
        }
        style.updated_at = Some(now);
        Ok(style)
    }
}

/// A QR error as a validation error on the style's own field names (the
/// renderer names them as `POST /v1/qr-codes` nests them, under `style.`).
pub fn qr_invalid(error: &QrError) -> Invalid {
    let field = match error.field() {
        Some("style") | None => "dotsColor",
        Some(field) => field.strip_prefix("style.").unwrap_or(field),
    };
    let message = error.to_string();
    Invalid::new(field, message.replace("style.", ""))
}

/// A field that may be a string or `null` (`Some(None)` then).
fn nullable<T>(
    fields: &mut Fields,
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, Invalid>,
) -> Result<Option<Option<T>>, Invalid> {
    match fields.take(&[name])? {
        None => Ok(None),
        Some(Present {
            value: Value::Null, ..
        }) => Ok(Some(None)),
        Some(Present {
            value: Value::String(text),
            ..
        }) => parse(&text).map(|v| Some(Some(v))),
        Some(Present { name, value }) => Err(Invalid::new(
            &name,
            format!("`{name}` must be a string or null, not {}", kind(&value)),
        )),
    }
}

/// A whole-number field, or `null`.
fn whole(fields: &mut Fields, name: &str) -> Result<Option<Option<u32>>, Invalid> {
    match fields.take(&[name])? {
        None => Ok(None),
        Some(p) if p.value.is_null() => Ok(Some(None)),
        Some(p) => p
            .value
            .as_u64()
            // Past u32 is out of range anyway; saturate so the range check names it.
            .map(|v| Some(Some(u32::try_from(v).unwrap_or(u32::MAX))))
            .ok_or_else(|| {
                Invalid::new(
                    name,
                    format!("`{name}` must be a whole number or null, not {}", p.value),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: UnixMillis = UnixMillis(1_800_000_000_000);

    fn apply(body: Value) -> Result<QrStyle, Invalid> {
        StylePatch::from_body(body)?.apply(QrStyle::default(), None, NOW)
    }

    #[test]
    fn every_field_is_read_and_applied() {
        let style = apply(json!({
            "dotsColor": "#112233", "backgroundColor": "#ffffff00", "size": 300,
            "margin": 2, "errorCorrection": "q"
        }))
        .unwrap();
        let o = style.options;
        assert_eq!(
            (o.dark, o.light.a, o.size, o.margin, o.ec),
            (Rgba::opaque(0x11, 0x22, 0x33), 0, 300, 2, EcLevel::Q)
        );
        assert_eq!(style.updated_at, Some(NOW));
        assert_eq!(style.logo, None);
    }

    #[test]
    fn absent_fields_keep_and_nulls_reset() {
        let saved = apply(json!({"size": 300, "margin": 1})).unwrap();
        let next = StylePatch::from_body(json!({"margin": null}))
            .unwrap()
            .apply(saved, None, NOW)
            .unwrap();
        assert_eq!((next.options.size, next.options.margin), (300, 4));
    }

    #[test]
    fn a_null_logo_removes_it_and_an_absent_one_keeps_it() {
        let saved = QrStyle {
            logo: Some(SavedLogo {
                kind: LogoKind::Svg,
                bytes: b"<svg/>".to_vec(),
                size: None,
            }),
            ..QrStyle::default()
        };
        let kept = StylePatch::from_body(json!({"size": 256}))
            .unwrap()
            .apply(saved.clone(), None, NOW)
            .unwrap();
        assert!(kept.logo.is_some());
        let removed = StylePatch::from_body(json!({"logo": null}))
            .unwrap()
            .apply(saved, None, NOW)
            .unwrap();
        assert_eq!(removed.logo, None);
    }

    #[test]
    fn each_invalid_field_is_named_as_sent() {
        for (body, field) in [
            (json!({"dotsColor": "red"}), "dotsColor"),
            (json!({"backgroundColor": 3}), "backgroundColor"),
            (json!({"size": 10}), "size"),
            (json!({"size": "big"}), "size"),
            (json!({"margin": 99}), "margin"),
            (json!({"errorCorrection": "X"}), "errorCorrection"),
            (json!({"logo": "http://example.com/x.png"}), "logo"),
            (json!({"logo": "https://10.0.0.1/x.png"}), "logo"),
            (json!({"dotsColor": "#eeeeee"}), "dotsColor"),
            (json!({"format": "png"}), "format"),
        ] {
            assert_eq!(apply(body.clone()).unwrap_err().field, field, "{body}");
        }
        let err = apply(json!({"dotsColor": "red"})).unwrap_err();
        assert!(
            err.message.starts_with("dotsColor must be a colour"),
            "{}",
            err.message
        );
    }
}
