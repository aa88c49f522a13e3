//! Cross-cutting tests: input validation by field, PNG geometry and logos here;
//! round trips through `rqrr` (a decoder this project did not write) in `round_trip`,
//! logo decoding in `decode`, arbitrary bytes at every logo parser in `fuzz`.

mod decode;
mod fuzz;
mod pngfile;
mod round_trip;

use std::io::Cursor;

use super::*;

const URL: &str = "https://sl.ink/Ab3dE9x";

/// The `png` crate's reading of a file as straight RGBA pixels (width, height, pixels).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<Rgba>) {
    let mut decoder = ::png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(::png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let buf = &buf[..info.buffer_size()];
    let pixels = match info.color_type {
        ::png::ColorType::Grayscale => buf.iter().map(|&l| Rgba::opaque(l, l, l)).collect(),
        ::png::ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .map(|p| Rgba {
                r: p[0],
                g: p[0],
                b: p[0],
                a: p[1],
            })
            .collect(),
        ::png::ColorType::Rgb => buf
            .chunks_exact(3)
            .map(|p| Rgba::opaque(p[0], p[1], p[2]))
            .collect(),
        ::png::ColorType::Rgba => buf
            .chunks_exact(4)
            .map(|p| Rgba {
                r: p[0],
                g: p[1],
                b: p[2],
                a: p[3],
            })
            .collect(),
        ::png::ColorType::Indexed => unreachable!("expanded by normalize_to_color8"),
    };
    (info.width, info.height, pixels)
}

/// Reads the QR code in a PNG the way a phone would see it on a white page.
fn scan(bytes: &[u8]) -> Result<String, String> {
    let (w, h, pixels) = decode_png(bytes);
    let grey: Vec<u8> = pixels
        .iter()
        .map(|p| {
            let p = p.over(Rgba::WHITE);
            ((u32::from(p.r) * 299 + u32::from(p.g) * 587 + u32::from(p.b) * 114) / 1000) as u8
        })
        .collect();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        grey[y * w as usize + x]
    });
    let grids = img.detect_grids();
    let grid = grids.first().ok_or("no QR code found")?;
    grid.decode()
        .map(|(_, text)| text)
        .map_err(|e| e.to_string())
}

fn png_of(text: &str, options: &QrOptions, logo: Option<&Logo>) -> Vec<u8> {
    render(text, options, Format::Png, logo).unwrap()
}

/// A 200x120 PNG logo: dark gradient with a transparent rounded-off corner region.
fn png_logo() -> Vec<u8> {
    let (w, h) = (200u32, 120u32);
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let alpha = if (x as i32 - 100).pow(2) + (y as i32 - 60).pow(2) < 55 * 55 {
                255
            } else {
                0
            };
            data.extend_from_slice(&[(x % 256) as u8, 40, (y * 2) as u8, alpha]);
        }
    }
    let mut out = Vec::new();
    let mut enc = ::png::Encoder::new(&mut out, w, h);
    enc.set_color(::png::ColorType::Rgba);
    enc.set_depth(::png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&data).unwrap();
    out
}

/// A 96x96 JPEG logo: a dark blue square with a red cross.
fn jpeg_logo() -> Vec<u8> {
    let side = 96u16;
    let mut data = Vec::new();
    for y in 0..side {
        for x in 0..side {
            let cross = (40..56).contains(&x) || (40..56).contains(&y);
            data.extend_from_slice(if cross { &[220, 30, 30] } else { &[20, 30, 90] });
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&data, side, side, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[test]
fn bad_input_names_the_field() {
    let d = QrOptions::default();
    let colour = |s| Rgba::parse(s, ColorField::Dots).unwrap();
    let cases: Vec<(&str, Result<Vec<u8>, QrError>)> = vec![
        (
            "size",
            render(URL, &QrOptions { size: 63, ..d }, Format::Svg, None),
        ),
        (
            "size",
            render(URL, &QrOptions { size: 2049, ..d }, Format::Png, None),
        ),
        (
            "size",
            render(URL, &QrOptions { size: 0, ..d }, Format::Svg, None),
        ),
        (
            "size",
            render(
                &"x".repeat(1000),
                &QrOptions {
                    size: 64,
                    ec: EcLevel::L,
                    ..d
                },
                Format::Png,
                None,
            ),
        ),
        (
            "margin",
            render(URL, &QrOptions { margin: 17, ..d }, Format::Svg, None),
        ),
        (
            "style",
            render(
                URL,
                &QrOptions {
                    dark: colour("#ccc"),
                    ..d
                },
                Format::Svg,
                None,
            ),
        ),
        (
            "style",
            render(
                URL,
                &QrOptions {
                    dark: colour("#fff"),
                    light: colour("#000"),
                    ..d
                },
                Format::Png,
                None,
            ),
        ),
        (
            "style",
            render(
                URL,
                &QrOptions {
                    dark: colour("#00000020"),
                    ..d
                },
                Format::Png,
                None,
            ),
        ),
        ("url", render("", &d, Format::Svg, None)),
        (
            "url",
            render(
                &"x".repeat(1300),
                &QrOptions {
                    ec: EcLevel::H,
                    ..d
                },
                Format::Svg,
                None,
            ),
        ),
        (
            "url",
            render(
                &"x".repeat(3000),
                &QrOptions {
                    ec: EcLevel::L,
                    ..d
                },
                Format::Svg,
                None,
            ),
        ),
    ];
    for (i, (field, result)) in cases.into_iter().enumerate() {
        let err = result.expect_err(&format!("case {i} should fail"));
        assert_eq!(err.field(), Some(field), "case {i}: {err}");
    }
    assert_eq!(Format::parse("gif").unwrap_err().field(), Some("format"));
    assert_eq!(
        EcLevel::parse("X").unwrap_err().field(),
        Some("errorCorrection")
    );
    assert_eq!(
        EcLevel::parse("").unwrap_err().field(),
        Some("errorCorrection")
    );
    let logo_errors = [
        Logo::from_bytes(Vec::new(), "image/png"),
        Logo::from_bytes(b"<html>not an image</html>".to_vec(), "text/html"),
        Logo::from_bytes(b"GIF89a....".to_vec(), "image/gif"),
        Logo::from_bytes(png_logo()[..60].to_vec(), "image/png"),
        Logo::from_bytes(b"\xff\xd8\xff\xe0garbage".to_vec(), "image/jpeg"),
        Logo::from_bytes(vec![0; MAX_LOGO_BYTES + 1], "image/png"),
    ];
    for (i, result) in logo_errors.into_iter().enumerate() {
        assert_eq!(
            result.unwrap_err().field(),
            Some("style.logo"),
            "logo case {i}"
        );
    }
}

#[test]
fn parsers_accept_documented_values() {
    assert_eq!(Format::parse("svg").unwrap(), Format::Svg);
    assert_eq!(Format::parse("PNG").unwrap(), Format::Png);
    assert_eq!(Format::Png.content_type(), "image/png");
    assert_eq!(Format::Svg.content_type(), "image/svg+xml");
    for (text, level) in [
        ("L", EcLevel::L),
        ("M", EcLevel::M),
        ("q", EcLevel::Q),
        ("H", EcLevel::H),
    ] {
        assert_eq!(EcLevel::parse(text).unwrap(), level);
    }
    assert_eq!(QrOptions::default().validate(), Ok(()));
    assert_eq!(
        (QrOptions::default().size, QrOptions::default().margin),
        (512, 4)
    );
}

#[test]
fn too_long_messages_give_the_right_advice() {
    let m = render(&"x".repeat(2400), &QrOptions::default(), Format::Svg, None).unwrap_err();
    assert!(m.to_string().contains("lower errorCorrection"), "{m}");
    let l = render(
        &"x".repeat(3000),
        &QrOptions {
            ec: EcLevel::L,
            ..QrOptions::default()
        },
        Format::Svg,
        None,
    )
    .unwrap_err();
    assert!(!l.to_string().contains("lower"), "{l}");
    let logo = Logo::from_bytes(png_logo(), "image/png").unwrap();
    let with_logo = render(
        &"x".repeat(1300),
        &QrOptions::default(),
        Format::Svg,
        Some(&logo),
    )
    .unwrap_err();
    assert!(with_logo.to_string().contains("logo"), "{with_logo}");
}

#[test]
fn png_is_exactly_size_by_size() {
    for size in [64, 100, 255, 256, 512, 777, 1024, 2048] {
        let (w, h, _) = decode_png(&png_of(
            URL,
            &QrOptions {
                size,
                ..QrOptions::default()
            },
            None,
        ));
        assert_eq!((w, h), (size, size));
    }
    let logo = Logo::from_bytes(png_logo(), "image/png").unwrap();
    let (w, h, _) = decode_png(&png_of(
        URL,
        &QrOptions {
            size: 333,
            ..QrOptions::default()
        },
        Some(&logo),
    ));
    assert_eq!((w, h), (333, 333));
}

#[test]
fn transparent_background_is_really_transparent() {
    let options = QrOptions {
        light: Rgba::TRANSPARENT,
        size: 128,
        ..QrOptions::default()
    };
    let (_, _, pixels) = decode_png(&png_of(URL, &options, None));
    assert_eq!(pixels[0].a, 0);
    assert!(pixels.contains(&Rgba::BLACK));
}

#[test]
fn logo_is_embedded_in_svg_as_data_uri() {
    let logo = Logo::from_bytes(png_logo(), "application/octet-stream").unwrap();
    let svg =
        String::from_utf8(render(URL, &QrOptions::default(), Format::Svg, Some(&logo)).unwrap())
            .unwrap();
    assert!(
        svg.contains(r#"href="data:image/png;base64,iVBORw0KGgo"#),
        "{svg}"
    );
    assert_eq!(svg.matches("<image").count(), 1);
    let svg_logo = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><circle r="1"/></svg>"#;
    let logo = Logo::from_bytes(svg_logo.to_vec(), "image/svg+xml; charset=utf-8").unwrap();
    assert_eq!(logo.kind(), LogoKind::Svg);
    let svg =
        String::from_utf8(render(URL, &QrOptions::default(), Format::Svg, Some(&logo)).unwrap())
            .unwrap();
    assert!(svg.contains(r#"href="data:image/svg+xml;base64,"#));
    // Raw SVG markup never reaches our document.
    assert!(!svg.contains("<circle"));
    let err = render(URL, &QrOptions::default(), Format::Png, Some(&logo)).unwrap_err();
    assert_eq!(err.field(), Some("style.logo"));
}
