//! Logo decoding through the `png` and `zune-jpeg` crates: every PNG colour type,
//! depth, filter and interlacing reads as the pixels the file holds; JPEGs of every
//! sampling and colour model (progressive too) come out close to their source; sizes
//! past the logo limits and broken files are `QrError::Logo`, never a panic.

use ::png::{BitDepth, ColorType, Encoder, Filter};
use jpeg_encoder::SamplingFactor;
use proptest::prelude::*;

use super::super::decode::{jpeg, png};
use super::super::pngfile::{chunk, SIGNATURE};
use super::super::raster::Raster;
use super::super::QrError;
use super::decode_png;

fn write_png(
    width: u32,
    height: u32,
    color: ColorType,
    depth: BitDepth,
    filter: Filter,
    data: &[u8],
    trns: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = Encoder::new(&mut out, width, height);
    enc.set_color(color);
    enc.set_depth(depth);
    enc.set_filter(filter);
    if color == ColorType::Indexed {
        enc.set_palette(
            (0..=255u8)
                .flat_map(|i| [i, 255 - i, i / 2])
                .collect::<Vec<u8>>(),
        );
    }
    if let Some(t) = trns {
        enc.set_trns(t);
    }
    enc.write_header().unwrap().write_image_data(data).unwrap();
    out
}

fn bytes_per_row(width: u32, color: ColorType, depth: BitDepth) -> usize {
    let channels = match color {
        ColorType::Grayscale | ColorType::Indexed => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
    };
    (width as usize * channels * depth as usize).div_ceil(8)
}

const KINDS: [(ColorType, BitDepth, Option<&[u8]>); 16] = [
    (ColorType::Grayscale, BitDepth::One, None),
    (ColorType::Grayscale, BitDepth::Two, None),
    (ColorType::Grayscale, BitDepth::Four, Some(&[0, 3])),
    (ColorType::Grayscale, BitDepth::Eight, Some(&[0, 7])),
    (ColorType::Grayscale, BitDepth::Sixteen, None),
    (ColorType::Rgb, BitDepth::Eight, Some(&[0, 1, 0, 2, 0, 3])),
    (ColorType::Rgb, BitDepth::Sixteen, None),
    (ColorType::Indexed, BitDepth::One, None),
    (ColorType::Indexed, BitDepth::Two, Some(&[0, 128])),
    (ColorType::Indexed, BitDepth::Four, None),
    (
        ColorType::Indexed,
        BitDepth::Eight,
        Some(&[10, 20, 30, 40, 50]),
    ),
    (ColorType::GrayscaleAlpha, BitDepth::Eight, None),
    (ColorType::GrayscaleAlpha, BitDepth::Sixteen, None),
    (ColorType::Rgba, BitDepth::Eight, None),
    (ColorType::Rgba, BitDepth::Sixteen, None),
    (ColorType::Rgb, BitDepth::Eight, None),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_png_colour_type_depth_and_filter_becomes_rgba(width in 1u32..40, height in 1u32..12, seed in any::<u64>(), filter in 0usize..5) {
        let filter = [Filter::NoFilter, Filter::Sub, Filter::Up, Filter::Avg, Filter::Paeth][filter];
        for (color, depth, trns) in KINDS {
            let len = bytes_per_row(width, color, depth) * height as usize;
            // Small runs of repeated bytes so tRNS keys and filters both get exercised.
            let data: Vec<u8> = (0..len).map(|i| ((seed >> (i % 61)) as u8).wrapping_mul((i as u8 / 3) | 1) & if i % 7 == 0 { 0 } else { 0xff }).collect();
            let file = write_png(width, height, color, depth, filter, &data, trns.map(<[u8]>::to_vec));
            let ours = png(&file).unwrap();
            prop_assert_eq!((ours.width, ours.height, ours.pixels), decode_png(&file), "{:?} {:?}", color, depth);
        }
    }
}

/// Builds a PNG from raw chunk contents, framed by our encoder's chunk writer.
fn png_with(ihdr: &[u8], raw_idat: &[u8]) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(raw_idat, 6),
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn decodes_adam7_interlacing() {
    // A 3x3 8-bit grey image; pixel (x, y) has value 10*y + x + 1. For 3x3 the
    // passes that are not empty are 1 (0,0), 4 (2,0), 5 (0,2),(2,2), 6 (1,0)/(1,2)
    // and 7 (row 1); each row starts with filter byte 0.
    let ihdr = [0, 0, 0, 3, 0, 0, 0, 3, 8, 0, 0, 0, 1];
    let raw = [
        0, 1, // pass 1
        0, 3, // pass 4
        0, 21, 23, // pass 5
        0, 2, 0, 22, // pass 6, two rows
        0, 11, 12, 13, // pass 7
    ];
    let Raster {
        width,
        height,
        pixels,
    } = png(&png_with(&ihdr, &raw)).unwrap();
    assert_eq!((width, height), (3, 3));
    let grey: Vec<u8> = pixels.iter().map(|p| p.r).collect();
    assert_eq!(grey, [1, 2, 3, 11, 12, 13, 21, 22, 23]);
}

fn is_logo_error(result: Result<Raster, QrError>) -> bool {
    matches!(result, Err(QrError::Logo(_)))
}

#[test]
fn a_png_declaring_more_pixels_than_the_limit_is_refused_before_inflating() {
    // 65536 x 65536 RGBA in a 57-byte file.
    let huge = png_with(&[0, 1, 0, 0, 0, 1, 0, 0, 8, 6, 0, 0, 0], &[]);
    let err = png(&huge).unwrap_err();
    assert!(err.to_string().contains("pixels"), "{err}");
}

#[test]
fn a_png_row_wider_than_the_decoder_memory_limit_is_refused() {
    // 4,194,304 x 1 RGBA at 16 bits: within the pixel limit, but one 32 MiB row.
    let wide = png_with(&[0, 0x40, 0, 0, 0, 0, 0, 1, 16, 6, 0, 0, 0], &[0]);
    let err = png(&wide).unwrap_err();
    assert!(matches!(err, QrError::Logo(_)), "{err}");
}

#[test]
fn malformed_pngs_are_logo_errors() {
    let good = write_png(
        20,
        20,
        ColorType::Rgb,
        BitDepth::Eight,
        Filter::Sub,
        &[90; 20 * 20 * 3],
        None,
    );
    assert!(png(&good).is_ok());
    // Cut anywhere before the image data ends (a missing IEND loses nothing).
    for cut in [8, 12, 20, 33, good.len() - 16] {
        assert!(is_logo_error(png(&good[..cut])), "cut at {cut}");
    }
    let mut bad_crc = good.clone();
    bad_crc[20] ^= 1;
    assert!(png(&bad_crc).unwrap_err().to_string().contains("CRC"));
    // Unknown filter type, and a bad colour type / depth pair.
    assert!(is_logo_error(png(&png_with(
        &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0],
        &[9, 0]
    ))));
    assert!(is_logo_error(png(&png_with(
        &[0, 0, 0, 1, 0, 0, 0, 1, 4, 2, 0, 0, 0],
        &[0, 0]
    ))));
}

/// A smooth colour field (JPEG's best case, so errors measure the decoder).
fn source(w: u16, h: u16) -> Vec<[u8; 3]> {
    (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                [
                    (u32::from(x) * 255 / u32::from(w)) as u8,
                    (u32::from(y) * 255 / u32::from(h)) as u8,
                    ((u32::from(x) + u32::from(y)) * 127 / u32::from(w + h)) as u8 + 64,
                ]
            })
        })
        .collect()
}

fn luma(p: [u8; 3]) -> u8 {
    ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
}

fn mean_error(raster: &Raster, expected: &[[u8; 3]], grey: bool) -> f64 {
    let total: u64 = raster
        .pixels
        .iter()
        .zip(expected)
        .map(|(p, e)| {
            let want = if grey { [luma(*e); 3] } else { *e };
            assert_eq!(p.a, 255, "JPEG pixels are opaque ({p:?})");
            [p.r, p.g, p.b]
                .iter()
                .zip(want)
                .map(|(a, b)| u64::from(a.abs_diff(b)))
                .sum::<u64>()
        })
        .sum();
    total as f64 / (expected.len() * 3) as f64
}

struct JpegCase {
    color: jpeg_encoder::ColorType,
    sampling: SamplingFactor,
    restart: u16,
    progressive: bool,
}

fn write_jpeg(w: u16, h: u16, case: &JpegCase) -> Vec<u8> {
    use jpeg_encoder::ColorType as C;
    let src = source(w, h);
    let data: Vec<u8> = match case.color {
        C::Luma => src.iter().map(|p| luma(*p)).collect(),
        C::Cmyk => src
            .iter()
            .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
            .collect(),
        _ => src.iter().flatten().copied().collect(),
    };
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 92);
    enc.set_sampling_factor(case.sampling);
    enc.set_progressive(case.progressive);
    if case.restart > 0 {
        enc.set_restart_interval(case.restart);
    }
    enc.encode(&data, w, h, case.color).unwrap();
    out
}

#[test]
fn jpegs_of_every_sampling_colour_model_and_progression_decode_close_to_the_source() {
    use jpeg_encoder::ColorType as C;
    use SamplingFactor as S;
    let case = |color, sampling, restart, progressive| JpegCase {
        color,
        sampling,
        restart,
        progressive,
    };
    let cases = [
        case(C::Rgb, S::R_4_4_4, 0, false),
        case(C::Rgb, S::R_4_2_0, 0, false),
        case(C::Rgb, S::R_4_2_2, 3, false),
        case(C::Rgb, S::R_4_1_1, 0, false),
        case(C::Luma, S::R_4_4_4, 5, false),
        case(C::Cmyk, S::R_4_4_4, 0, false),
        case(C::Rgb, S::R_4_2_0, 0, true),
        case(C::Rgb, S::R_4_4_4, 2, true),
        case(C::Luma, S::R_4_4_4, 0, true),
    ];
    for (w, h) in [(37, 23), (64, 64), (1, 1), (200, 9)] {
        let expected = source(w, h);
        for case in &cases {
            let raster = jpeg(&write_jpeg(w, h, case)).unwrap();
            assert_eq!((raster.width, raster.height), (u32::from(w), u32::from(h)));
            let error = mean_error(&raster, &expected, case.color == C::Luma);
            // Chroma subsampling of a 1-2 px wide image loses the most.
            let limit = if matches!(case.sampling, S::R_4_4_4) {
                3.0
            } else {
                8.0
            };
            assert!(
                error < limit,
                "{w}x{h} {:?} {:?} progressive={}: mean error {error}",
                case.color,
                case.sampling,
                case.progressive
            );
        }
    }
}

#[test]
fn broken_jpegs_are_logo_errors_or_pixels_never_panics() {
    let good = write_jpeg(
        16,
        16,
        &JpegCase {
            color: jpeg_encoder::ColorType::Rgb,
            sampling: SamplingFactor::R_4_2_0,
            restart: 0,
            progressive: false,
        },
    );
    // Truncated files fail or decode to something (lenient, like browsers).
    for cut in [3, 20, 200, good.len() - 2] {
        let _ = jpeg(&good[..cut]);
    }
    assert!(is_logo_error(jpeg(&good[..3])));
    assert!(is_logo_error(jpeg(b"\xff\xd8\xff")));
    assert!(is_logo_error(jpeg(b"\xff\xd8\xff\xe0garbage")));
}

#[test]
fn a_jpeg_declaring_more_pixels_than_the_limit_is_refused_before_decoding() {
    // A real 16x16 file whose frame header is patched to claim 4096 x 4096.
    let mut file = write_jpeg(
        16,
        16,
        &JpegCase {
            color: jpeg_encoder::ColorType::Rgb,
            sampling: SamplingFactor::R_4_4_4,
            restart: 0,
            progressive: false,
        },
    );
    let sof = file.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
    file[sof + 5..sof + 9].copy_from_slice(&[0x10, 0, 0x10, 0]);
    let err = jpeg(&file).unwrap_err();
    assert!(err.to_string().contains("4096x4096 pixels"), "{err}");
}
