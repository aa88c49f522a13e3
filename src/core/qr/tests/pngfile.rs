//! Our QR PNG encoder against the `png` crate's decoder: every kind of image it
//! writes reads back there as the pixels we meant.

use proptest::prelude::*;

use super::super::pngfile::{encode, Pixels};
use super::super::Rgba;
use super::decode_png;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
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
        prop_assert_eq!(decode_png(&file), (width, height, pixels));
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
    assert_eq!(decode_png(&file), (10, 2, expected));
}

#[test]
fn an_opaque_palette_gets_no_transparency_chunk() {
    let file = encode(
        8,
        1,
        Pixels::Bilevel([Rgba::WHITE, Rgba::BLACK]),
        &[0b1100_0000],
    );
    assert!(!file.windows(4).any(|w| w == b"tRNS"));
    let (_, _, pixels) = decode_png(&file);
    assert_eq!(&pixels[..3], &[Rgba::BLACK, Rgba::BLACK, Rgba::WHITE]);
}
