//! Colours for QR codes: parsing `#rgb`/`#rrggbb`/`#rrggbbaa`, compositing, and the
//! WCAG contrast check that keeps a styled code scannable.

use std::fmt;

use super::QrError;

/// Smallest WCAG contrast ratio accepted between dots and background. 3:1 is WCAG 2.1's
/// floor for non-text graphics (SC 1.4.11); phone scanners binarise around the mean
/// luminance, and below this the two classes start to overlap under real lighting.
pub const MIN_CONTRAST: f64 = 3.0;

/// Which request field a colour came from, so errors can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorField {
    Dots,
    Background,
}

impl ColorField {
    pub fn as_str(self) -> &'static str {
        match self {
            ColorField::Dots => "style.dotsColor",
            ColorField::Background => "style.backgroundColor",
        }
    }
}

impl fmt::Display for ColorField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An sRGB colour with straight (not premultiplied) alpha; `a = 0` is fully transparent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Rgba {
    pub const BLACK: Rgba = Rgba::opaque(0, 0, 0);
    pub const WHITE: Rgba = Rgba::opaque(255, 255, 255);
    pub const TRANSPARENT: Rgba = Rgba {
        r: 0,
        g: 0,
        b: 0,
        a: 0,
    };

    pub const fn opaque(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// Parses `#rgb`, `#rrggbb` or `#rrggbbaa` (hex digits in either case).
    ///
    /// # Errors
    /// [`QrError::Color`] naming `field` when the text is anything else.
    pub fn parse(text: &str, field: ColorField) -> Result<Rgba, QrError> {
        let bad = || QrError::Color {
            field,
            value: text.to_owned(),
        };
        let hex = text.strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        // Every byte is an ASCII hex digit, so these byte ranges are char boundaries.
        let pair = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        };
        let nibble = |i: usize| {
            hex.get(i..=i)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .map(|n| n * 17)
        };
        let parsed = match hex.len() {
            3 => (nibble(0), nibble(1), nibble(2), Some(255)),
            6 => (pair(0), pair(2), pair(4), Some(255)),
            8 => (pair(0), pair(2), pair(4), pair(6)),
            _ => return Err(bad()),
        };
        match parsed {
            (Some(r), Some(g), Some(b), Some(a)) => Ok(Rgba { r, g, b, a }),
            _ => Err(bad()),
        }
    }

    /// `#rrggbb`, the form SVG 1.1 renderers all understand (alpha goes in `*-opacity`).
    pub fn hex_rgb(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// `#rrggbb` when opaque, else `#rrggbbaa`: what [`Rgba::parse`] reads back.
    pub fn hex(self) -> String {
        if self.a == 255 {
            self.hex_rgb()
        } else {
            format!("{}{:02x}", self.hex_rgb(), self.a)
        }
    }

    /// Alpha as an SVG opacity, or `None` when opaque so the attribute can be left out.
    /// Four decimals distinguish all 256 alpha values after rounding back to 8 bits.
    pub fn svg_opacity(self) -> Option<String> {
        if self.a == 255 {
            return None;
        }
        let text = format!("{:.4}", f64::from(self.a) / 255.0);
        Some(text.trim_end_matches('0').trim_end_matches('.').to_owned())
    }

    /// Porter-Duff "source over": `self` painted on top of `below`, straight alpha,
    /// rounded to 8 bits. This is what a browser shows for the SVG, so the PNG matches it.
    pub fn over(self, below: Rgba) -> Rgba {
        let sa = u32::from(self.a);
        let da = u32::from(below.a) * (255 - sa);
        // Output alpha scaled by 255: sa*255 + da, at most 65025.
        let out_a = sa * 255 + da;
        if out_a == 0 {
            return Rgba::TRANSPARENT;
        }
        let mix = |s: u8, d: u8| {
            let num = u32::from(s) * sa * 255 + u32::from(d) * da;
            // Rounded division; the result is a weighted mean of two u8s, so it fits.
            u8::try_from((num + out_a / 2) / out_a).unwrap_or(u8::MAX)
        };
        Rgba {
            r: mix(self.r, below.r),
            g: mix(self.g, below.g),
            b: mix(self.b, below.b),
            a: u8::try_from((out_a + 127) / 255).unwrap_or(u8::MAX),
        }
    }

    /// WCAG 2.x relative luminance of the colour channels (alpha ignored).
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }
}

/// Checks that `dark` dots on a `light` background will scan: dots darker than the
/// background (many decoders reject inverted codes) and a contrast ratio of at least
/// [`MIN_CONTRAST`]. Translucent colours are judged as seen: background over white
/// (a transparent PNG or SVG is usually shown on white), dots over that background.
///
/// # Errors
/// [`QrError::Inverted`] or [`QrError::Contrast`].
pub fn check_contrast(dark: Rgba, light: Rgba) -> Result<(), QrError> {
    let seen_light = light.over(Rgba::WHITE);
    let seen_dark = dark.over(seen_light);
    let (ld, ll) = (seen_dark.luminance(), seen_light.luminance());
    let ratio = (ld.max(ll) + 0.05) / (ld.min(ll) + 0.05);
    if ratio < MIN_CONTRAST {
        return Err(QrError::Contrast { ratio });
    }
    if ld >= ll {
        return Err(QrError::Inverted);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_three_forms() {
        let dots = ColorField::Dots;
        assert_eq!(Rgba::parse("#fff", dots).unwrap(), Rgba::WHITE);
        assert_eq!(
            Rgba::parse("#1A2b3C", dots).unwrap(),
            Rgba::opaque(0x1a, 0x2b, 0x3c)
        );
        let c = Rgba::parse("#10203040", dots).unwrap();
        assert_eq!((c.r, c.g, c.b, c.a), (0x10, 0x20, 0x30, 0x40));
    }

    #[test]
    fn rejects_malformed_colours_naming_the_field() {
        for bad in [
            "",
            "#",
            "fff",
            "#ff",
            "#ffff",
            "#fffff",
            "#ggg",
            "#ffffff0",
            "red",
            "#ff ff ff",
            "#ééé",
            "#+ff",
        ] {
            for field in [ColorField::Dots, ColorField::Background] {
                let err = Rgba::parse(bad, field).unwrap_err();
                assert_eq!(err.field(), Some(field.as_str()), "{bad:?}");
            }
        }
    }

    #[test]
    fn over_matches_porter_duff() {
        let half_black = Rgba {
            a: 128,
            ..Rgba::BLACK
        };
        assert_eq!(half_black.over(Rgba::WHITE), Rgba::opaque(127, 127, 127));
        assert_eq!(Rgba::TRANSPARENT.over(Rgba::WHITE), Rgba::WHITE);
        assert_eq!(Rgba::BLACK.over(Rgba::TRANSPARENT), Rgba::BLACK);
        assert_eq!(Rgba::TRANSPARENT.over(Rgba::TRANSPARENT), Rgba::TRANSPARENT);
        let a = Rgba {
            r: 255,
            g: 0,
            b: 0,
            a: 128,
        }
        .over(Rgba {
            r: 0,
            g: 0,
            b: 255,
            a: 128,
        });
        assert_eq!(a.a, 192);
        assert!(a.r > a.b);
    }

    #[test]
    fn svg_opacity_is_exact_enough() {
        assert_eq!(Rgba::BLACK.svg_opacity(), None);
        assert_eq!(
            Rgba {
                a: 0,
                ..Rgba::BLACK
            }
            .svg_opacity()
            .as_deref(),
            Some("0")
        );
        assert_eq!(
            Rgba {
                a: 51,
                ..Rgba::BLACK
            }
            .svg_opacity()
            .as_deref(),
            Some("0.2")
        );
        for a in 0..255u8 {
            let text = Rgba { a, ..Rgba::BLACK }.svg_opacity().unwrap();
            let back = (text.parse::<f64>().unwrap() * 255.0).round();
            assert_eq!(back, f64::from(a));
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!(check_contrast(Rgba::BLACK, Rgba::WHITE).is_ok());
        // #767676 on white is the classic 4.54:1 example.
        assert!(check_contrast(Rgba::opaque(0x76, 0x76, 0x76), Rgba::WHITE).is_ok());
        assert!(matches!(
            check_contrast(Rgba::opaque(0xcc, 0xcc, 0xcc), Rgba::WHITE),
            Err(QrError::Contrast { .. })
        ));
        assert_eq!(
            check_contrast(Rgba::WHITE, Rgba::BLACK),
            Err(QrError::Inverted)
        );
        // A transparent background is judged over white.
        assert!(check_contrast(Rgba::BLACK, Rgba::TRANSPARENT).is_ok());
        assert!(check_contrast(
            Rgba::WHITE,
            Rgba {
                a: 0,
                ..Rgba::BLACK
            }
        )
        .is_err());
        // Faint dots fail even on white.
        assert!(check_contrast(
            Rgba {
                a: 40,
                ..Rgba::BLACK
            },
            Rgba::WHITE
        )
        .is_err());
    }
}
