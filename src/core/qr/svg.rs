//! SVG output: one `<path>` whose subpaths are horizontal runs of dark modules, in a
//! `viewBox` of one unit per module so the image scales without blur.

use std::fmt::Write;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::matrix::Matrix;
use super::{Logo, QrOptions};

/// Fraction of a module left as background between the hole's edge and the logo.
const LOGO_INSET_MODULES: f64 = 0.5;

pub(super) fn render(matrix: &Matrix, options: &QrOptions, logo: Option<&Logo>) -> String {
    let margin = options.margin as usize;
    let total = matrix.width() + 2 * margin;
    let size = options.size;
    // `write!` into a String cannot fail, so its results are ignored throughout.
    let mut out = String::with_capacity(256 + matrix.width() * matrix.width() * 3);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {total} {total}" shape-rendering="crispEdges">"#
    );
    if options.light.a > 0 {
        let _ = write!(
            out,
            r#"<rect width="{total}" height="{total}" fill="{}"{}/>"#,
            options.light.hex_rgb(),
            opacity_attr(options.light.svg_opacity())
        );
    }
    let path = run_path(matrix, margin);
    if !path.is_empty() {
        let _ = write!(
            out,
            r#"<path fill="{}"{} d="{path}"/>"#,
            options.dark.hex_rgb(),
            opacity_attr(options.dark.svg_opacity())
        );
    }
    if let (Some(logo), Some(hole)) = (logo, matrix.hole()) {
        let side = hole.len as f64 - 2.0 * LOGO_INSET_MODULES;
        let aspect = logo.aspect();
        let (w, h) = if aspect >= 1.0 {
            (side, side / aspect)
        } else {
            (side * aspect, side)
        };
        let centre = (margin + hole.start) as f64 + hole.len as f64 / 2.0;
        let data = BASE64.encode(logo.bytes());
        let _ = write!(
            out,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="xMidYMid meet" href="data:{};base64,{data}"/>"#,
            num(centre - w / 2.0),
            num(centre - h / 2.0),
            num(w),
            num(h),
            logo.kind().mime(),
        );
    }
    out.push_str("</svg>");
    out
}

fn opacity_attr(opacity: Option<String>) -> String {
    opacity.map_or_else(String::new, |o| format!(r#" fill-opacity="{o}""#))
}

/// A coordinate with at most three decimals and no trailing zeros.
fn num(v: f64) -> String {
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `M x y h n v1 h -n z` per run: a run of n dark modules costs ~15 bytes instead of
/// n `<rect>` elements, and adjacent squares cannot leave hairline seams.
fn run_path(matrix: &Matrix, margin: usize) -> String {
    let width = matrix.width();
    let mut d = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if !matrix.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && matrix.is_dark(x, y) {
                x += 1;
            }
            let n = x - start;
            let _ = write!(d, "M{} {}h{n}v1h-{n}z", start + margin, y + margin);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::super::{render as render_any, EcLevel, Format, QrOptions, Rgba};
    use super::*;

    fn svg(text: &str, options: &QrOptions) -> String {
        String::from_utf8(render_any(text, options, Format::Svg, None).unwrap()).unwrap()
    }

    #[test]
    fn has_view_box_and_pixel_size() {
        let out = svg(
            "https://sl.ink/abc",
            &QrOptions {
                size: 300,
                ..QrOptions::default()
            },
        );
        let width = Matrix::encode("https://sl.ink/abc", EcLevel::M, false)
            .unwrap()
            .width();
        let total = width + 8;
        assert!(out.starts_with(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 {total} {total}""#
        )));
        assert!(out.ends_with("</svg>"));
        assert_eq!(out.matches("<path").count(), 1);
        assert!(!out.contains("<image"));
    }

    #[test]
    fn merges_runs_into_few_path_commands() {
        let text = "https://sl.ink/a-rather-long-slug-to-get-a-bigger-code-2024";
        let matrix = Matrix::encode(text, EcLevel::M, false).unwrap();
        let w = matrix.width();
        let dark = (0..w)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| matrix.is_dark(x, y))
            .count();
        let out = svg(text, &QrOptions::default());
        let moves = out.matches('M').count();
        assert!(
            moves * 3 < dark * 2,
            "{moves} subpaths for {dark} dark modules"
        );
        // Far smaller than one rect per module (~40 bytes each).
        assert!(out.len() < dark * 20, "{} bytes", out.len());
    }

    #[test]
    fn colours_exactly_as_given() {
        let options = QrOptions {
            dark: Rgba {
                r: 0x12,
                g: 0x34,
                b: 0x56,
                a: 0xcc,
            },
            light: Rgba {
                r: 0xfe,
                g: 0xdc,
                b: 0xba,
                a: 0x80,
            },
            ..QrOptions::default()
        };
        let out = svg("x", &options);
        assert!(
            out.contains(r##"<path fill="#123456" fill-opacity="0.8" d="M"##),
            "{out}"
        );
        assert!(
            out.contains(r##"fill="#fedcba" fill-opacity="0.502"/>"##),
            "{out}"
        );
        let opaque = svg("x", &QrOptions::default());
        assert!(
            opaque.contains(r##"fill="#ffffff"/>"##) && opaque.contains(r##"fill="#000000" d="##)
        );
        assert!(!opaque.contains("opacity"));
    }

    #[test]
    fn transparent_background_has_no_rect() {
        let options = QrOptions {
            light: Rgba::TRANSPARENT,
            ..QrOptions::default()
        };
        let out = svg("x", &options);
        assert!(!out.contains("<rect"));
    }

    #[test]
    fn margin_zero_starts_at_origin() {
        let out = svg(
            "x",
            &QrOptions {
                margin: 0,
                ..QrOptions::default()
            },
        );
        // The top-left finder pattern's first run.
        assert!(out.contains(r#"d="M0 0h7v1h-7z"#), "{out}");
    }
}
