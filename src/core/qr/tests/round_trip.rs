//! Round trips: render a PNG, read it back with `rqrr`, expect the input text.

use proptest::prelude::*;

use super::*;

#[test]
fn png_round_trips_at_every_level_and_size() {
    for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
        for size in [64, 256, 512, 1024] {
            let options = QrOptions {
                size,
                ec,
                ..QrOptions::default()
            };
            assert_eq!(
                scan(&png_of(URL, &options, None)).as_deref(),
                Ok(URL),
                "{ec:?} {size}"
            );
        }
    }
}

#[test]
fn png_round_trips_with_colours_and_margins() {
    let long = "https://sl.ink/a-much-longer-slug-with-utm?utm_source=newsletter&utm_medium=email";
    let cases = [
        ("#1a237e", "#fff8e1"),
        ("#004d40cc", "#ffffff"),
        ("#000", "#00000000"),
        ("#222222", "#ffffff80"),
        ("#7a0000", "#ffeb3b"),
    ];
    for (dots, background) in cases {
        let options = QrOptions {
            dark: Rgba::parse(dots, ColorField::Dots).unwrap(),
            light: Rgba::parse(background, ColorField::Background).unwrap(),
            size: 400,
            ..QrOptions::default()
        };
        assert_eq!(
            scan(&png_of(long, &options, None)).as_deref(),
            Ok(long),
            "{dots} on {background}"
        );
    }
    for margin in [0, 1, 16] {
        let options = QrOptions {
            margin,
            ..QrOptions::default()
        };
        assert_eq!(
            scan(&png_of(URL, &options, None)).as_deref(),
            Ok(URL),
            "margin {margin}"
        );
    }
}

#[test]
fn logos_round_trip_in_png() {
    let logos = [
        Logo::from_bytes(png_logo(), "image/png").unwrap(),
        Logo::from_bytes(jpeg_logo(), "image/jpeg").unwrap(),
    ];
    assert_eq!(logos[0].kind(), LogoKind::Png);
    assert_eq!(logos[1].kind(), LogoKind::Jpeg);
    let long = "https://sl.ink/campaign-2024?ref=qr&utm_campaign=spring";
    for logo in &logos {
        for size in [256, 512, 1024] {
            for text in [URL, long] {
                let options = QrOptions {
                    size,
                    ec: EcLevel::L,
                    ..QrOptions::default()
                };
                let png = png_of(text, &options, Some(logo));
                assert_eq!(scan(&png).as_deref(), Ok(text), "{:?} {size}", logo.kind());
                // The logo really was drawn: some pixel has its red-ish colour.
                let (_, _, pixels) = decode_png(&png);
                assert!(
                    pixels.iter().any(|p| p.r > 150 && p.g < 90),
                    "{:?} {size}",
                    logo.kind()
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_short_urls_round_trip(
        host in "[a-z0-9]{1,12}\\.[a-z]{2,6}",
        path in "[A-Za-z0-9_~.-]{0,40}",
        ec in prop_oneof![Just(EcLevel::L), Just(EcLevel::M), Just(EcLevel::Q), Just(EcLevel::H)],
        size in 200u32..700,
    ) {
        let url = format!("https://{host}/{path}");
        let png = png_of(&url, &QrOptions { size, ec, ..QrOptions::default() }, None);
        prop_assert_eq!(scan(&png), Ok(url));
    }
}
