//! Our PNG codec against the `png` crate: every colour type and depth it can write
//! decodes to the same pixels, our output reads back in the `png` crate, and Adam7
//! interlacing decodes from a stream laid out by hand from the spec.

use ::png::{BitDepth, ColorType, Decoder, Encoder, Filter, Transformations};
use proptest::prelude::*;

use super::super::pngfile::{decode, encode, Pixels, SIGNATURE};
use super::super::raster::Raster;
use super::super::Rgba;

/// The `png` crate's reading of a file, as RGBA.
fn reference(bytes: &[u8]) -> Vec<Rgba> {
    let mut decoder = Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let buf = &buf[..info.buffer_size()];
    match info.color_type {
        ColorType::Grayscale => buf.iter().map(|&l| Rgba::opaque(l, l, l)).collect(),
        ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .map(|p| Rgba {
                r: p[0],
                g: p[0],
                b: p[0],
                a: p[1],
            })
            .collect(),
        ColorType::Rgb => buf
            .chunks_exact(3)
            .map(|p| Rgba::opaque(p[0], p[1], p[2]))
            .collect(),
        ColorType::Rgba => buf
            .chunks_exact(4)
            .map(|p| Rgba {
                r: p[0],
                g: p[1],
                b: p[2],
                a: p[3],
            })
            .collect(),
        ColorType::Indexed => unreachable!("expanded"),
    }
}

fn write(
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
    fn decodes_what_the_png_crate_writes(width in 1u32..40, height in 1u32..12, seed in any::<u64>(), filter in 0usize..5) {
        let filter = [Filter::NoFilter, Filter::Sub, Filter::Up, Filter::Avg, Filter::Paeth][filter];
        for (color, depth, trns) in KINDS {
            let len = bytes_per_row(width, color, depth) * height as usize;
            // Small runs of repeated bytes so tRNS keys and filters both get exercised.
            let data: Vec<u8> = (0..len).map(|i| ((seed >> (i % 61)) as u8).wrapping_mul((i as u8 / 3) | 1) & if i % 7 == 0 { 0 } else { 0xff }).collect();
            let file = write(width, height, color, depth, filter, &data, trns.map(<[u8]>::to_vec));
            let ours = decode(&file).unwrap();
            prop_assert_eq!((ours.width, ours.height), (width, height));
            prop_assert_eq!(&ours.pixels, &reference(&file), "{:?} {:?}", color, depth);
        }
    }

    #[test]
    fn what_we_write_reads_back_in_the_png_crate(width in 1u32..70, height in 1u32..20, seed in any::<u64>(), alpha in any::<bool>()) {
        let pixels: Vec<Rgba> = (0..width * height).map(|i| {
            let v = seed.rotate_left(i % 64);
            Rgba { r: v as u8, g: (v >> 8) as u8, b: (v >> 16) as u8, a: if alpha { (v >> 24) as u8 } else { 255 } }
        }).collect();
        let (kind, data): (Pixels, Vec<u8>) = if alpha {
            (Pixels::Rgba, pixels.iter().flat_map(|p| [p.r, p.g, p.b, p.a]).collect())
        } else {
            (Pixels::Rgb, pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect())
        };
        let file = encode(width, height, kind, &data);
        prop_assert_eq!(&reference(&file), &pixels);
        prop_assert_eq!(decode(&file).unwrap().pixels, pixels);
    }
}

#[test]
fn bilevel_output_uses_the_palette_and_its_transparency() {
    let palette = [
        Rgba {
            r: 1,
            g: 2,
            b: 3,
            a: 0,
        },
        Rgba::opaque(200, 100, 50),
    ];
    // 10x2: row 0 alternates, row 1 all dark.
    let data = [0b1010_1010, 0b1000_0000, 0xff, 0xc0];
    let file = encode(10, 2, Pixels::Bilevel(palette), &data);
    let expected: Vec<Rgba> = (0..20)
        .map(|i| {
            if i >= 10 || i % 2 == 0 {
                palette[1]
            } else {
                palette[0]
            }
        })
        .collect();
    assert_eq!(reference(&file), expected);
    assert_eq!(decode(&file).unwrap().pixels, expected);
}

/// Builds a PNG from raw chunk contents, reusing our writer for chunk framing.
fn file_with(ihdr: &[u8], raw_idat: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = 0xffff_ffffu32;
        for &b in kind.iter().chain(data) {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
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
    } = decode(&file_with(&ihdr, &raw)).unwrap();
    assert_eq!((width, height), (3, 3));
    let grey: Vec<u8> = pixels.iter().map(|p| p.r).collect();
    assert_eq!(grey, [1, 2, 3, 11, 12, 13, 21, 22, 23]);
}

#[test]
fn malformed_files_are_errors_not_panics() {
    let good = encode(20, 20, Pixels::Rgb, &[90; 20 * 20 * 3]);
    assert!(decode(&good).is_ok());
    for cut in [8, 12, 20, 33, good.len() - 13, good.len() - 1] {
        assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
    }
    let mut bad_crc = good.clone();
    bad_crc[20] ^= 1;
    assert!(decode(&bad_crc).unwrap_err().to_string().contains("CRC"));
    // A header promising more than the pixel limit is refused before inflating.
    let huge = file_with(&[0, 1, 0, 0, 0, 1, 0, 0, 8, 6, 0, 0, 0], &[]);
    assert!(decode(&huge).unwrap_err().to_string().contains("pixels"));
    // Unknown filter type, and bad colour type / depth pairs.
    assert!(decode(&file_with(
        &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0],
        &[9, 0]
    ))
    .is_err());
    assert!(decode(&file_with(
        &[0, 0, 0, 1, 0, 0, 0, 1, 4, 2, 0, 0, 0],
        &[0, 0]
    ))
    .is_err());
    // Every single-byte corruption is survivable.
    for i in 8..good.len() {
        let mut broken = good.clone();
        broken[i] ^= 0xa5;
        let _ = decode(&broken);
    }
}
