//! Arbitrary bytes at every logo parser: sniffing (PNG, JPEG, SVG detection) and
//! both decoders. Nothing may panic (a panic resets the whole wasm instance), and
//! every refusal is a `QrError::Logo` that names `style.logo`. Mutated real files
//! reach far deeper into the decoders than random bytes do; whatever decodes must
//! also render.

use proptest::prelude::*;

use super::super::{render, Format, Logo, QrError, QrOptions};
use super::{jpeg_logo, png_logo};

const CONTENT_TYPES: [&str; 6] = [
    "",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/html",
    "image/svg+xml; charset=utf-8",
];

/// Validates `bytes` as a logo; a logo that validates must render in every format
/// it is allowed in.
fn check(bytes: Vec<u8>, content_type: &str) -> Result<(), TestCaseError> {
    match Logo::from_bytes(bytes, content_type) {
        Ok(logo) => {
            let options = QrOptions {
                size: 128,
                ..QrOptions::default()
            };
            prop_assert!(render("https://sl.ink/x", &options, Format::Svg, Some(&logo)).is_ok());
            let png = render("https://sl.ink/x", &options, Format::Png, Some(&logo));
            prop_assert!(png.is_ok() || matches!(png, Err(QrError::Logo(_))));
        }
        Err(e) => {
            prop_assert!(matches!(e, QrError::Logo(_)), "{e:?}");
            prop_assert_eq!(e.field(), Some("style.logo"));
        }
    }
    Ok(())
}

/// `file` with up to eight bytes changed and maybe cut short.
fn mutated(file: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = file.len();
    (
        proptest::collection::vec((0..len, any::<u8>()), 1..8),
        proptest::option::of(0..len),
    )
        .prop_map(move |(edits, cut)| {
            let mut out = file.clone();
            for (at, byte) in edits {
                out[at] = byte;
            }
            if let Some(cut) = cut {
                out.truncate(cut);
            }
            out
        })
}

fn progressive_jpeg() -> Vec<u8> {
    let data: Vec<u8> = (0..48u32 * 48)
        .flat_map(|i| [(i % 48 * 5) as u8, (i / 48 * 5) as u8, 128])
        .collect();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 80);
    enc.set_progressive(true);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.encode(&data, 48, 48, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_a_logo_or_a_logo_error(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        content_type in proptest::sample::select(&CONTENT_TYPES[..]),
    ) {
        check(bytes, content_type)?;
    }

    #[test]
    fn arbitrary_bytes_after_a_png_signature(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend(tail);
        check(bytes, "image/png")?;
    }

    #[test]
    fn arbitrary_bytes_after_a_jpeg_marker(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"\xff\xd8\xff".to_vec();
        bytes.extend(tail);
        check(bytes, "image/jpeg")?;
    }

    #[test]
    fn arbitrary_text_around_svg_markup(
        before in ".{0,40}",
        after in ".{0,40}",
        content_type in proptest::sample::select(&CONTENT_TYPES[..]),
    ) {
        check(format!("{before}<svg{after}").into_bytes(), content_type)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn mutated_pngs(bytes in mutated(png_logo())) {
        check(bytes, "image/png")?;
    }

    #[test]
    fn mutated_baseline_jpegs(bytes in mutated(jpeg_logo())) {
        check(bytes, "image/jpeg")?;
    }

    #[test]
    fn mutated_progressive_jpegs(bytes in mutated(progressive_jpeg())) {
        check(bytes, "image/jpeg")?;
    }
}
