//! Render time per QR image, SVG and PNG at 256 and 1024 px, with and without a logo,
//! and the time to validate and decode a logo (PNG, baseline and progressive JPEG).
//! Plain `std::time` loop, reporting the median so one slow iteration (page faults,
//! a noisy neighbour) does not move the number. Run: `cargo bench --bench qr_render`.

// A benchmark is no request path: a panic here only stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use smartlinks::core::qr::{render, Format, Logo, QrOptions};

const URL: &str = "https://sl.ink/Ab3dE9x";
const ITERATIONS: usize = 200;

fn median_of(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut bytes = f(); // warm-up
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            bytes = black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], bytes)
}

/// A 256x256 RGBA PNG with an opaque circle, a typical uploaded icon.
fn logo_png() -> Vec<u8> {
    let side = 256u32;
    let mut data = Vec::new();
    for y in 0..side {
        for x in 0..side {
            let inside = (x as i32 - 128).pow(2) + (y as i32 - 128).pow(2) < 120 * 120;
            data.extend_from_slice(&[x as u8, 60, y as u8, if inside { 255 } else { 0 }]);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side, side);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&data).unwrap();
    out
}

/// The same circle as a 256x256 JPEG, baseline or progressive.
fn logo_jpeg(progressive: bool) -> Vec<u8> {
    let side = 256u16;
    let mut data = Vec::new();
    for y in 0..side {
        for x in 0..side {
            let inside = (i32::from(x) - 128).pow(2) + (i32::from(y) - 128).pow(2) < 120 * 120;
            data.extend_from_slice(&[x as u8, if inside { 60 } else { 255 }, y as u8]);
        }
    }
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_progressive(progressive);
    enc.encode(&data, side, side, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn main() {
    let logo = Logo::from_bytes(logo_png(), "image/png").unwrap();
    println!("{:<22} {:>12} {:>10}", "case", "median", "bytes");
    for (name, format, with_logo) in [
        ("svg", Format::Svg, false),
        ("png", Format::Png, false),
        ("svg+logo", Format::Svg, true),
        ("png+logo", Format::Png, true),
    ] {
        for size in [256, 1024] {
            let options = QrOptions {
                size,
                ..QrOptions::default()
            };
            let logo = with_logo.then_some(&logo);
            let (median, bytes) = median_of(|| {
                render(black_box(URL), &options, format, logo)
                    .unwrap()
                    .len()
            });
            println!(
                "{:<22} {:>12.1?} {:>10}",
                format!("{name} {size}px"),
                median,
                bytes
            );
        }
    }
    for (name, bytes) in [
        ("logo decode 256px", logo_png()),
        ("jpeg decode 256px", logo_jpeg(false)),
        ("progressive 256px", logo_jpeg(true)),
    ] {
        let (decode, _) = median_of(|| {
            let logo = Logo::from_bytes(black_box(bytes.clone()), "").unwrap();
            std::mem::size_of_val(&logo)
        });
        println!("{name:<22} {decode:>12.1?}");
    }
}
