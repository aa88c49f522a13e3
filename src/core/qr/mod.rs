//! QR code rendering: a text plus [`QrOptions`] (and optionally a [`Logo`]) becomes the
//! bytes of an SVG or PNG image. This module owns option validation (sizes, colours,
//! contrast, capacity, logo bytes) and both encoders; it does no I/O, so the HTTP layer
//! fetches the logo, calls [`render`], and maps a [`QrError`] to 400 (or 500 when
//! [`QrError::field`] is `None`).
//!
//! Layout: `matrix` (modules + the hole cleared for a logo), `svg` and `png` (encoders,
//! over `pngfile` and `zlib`), `logo` (sniffing, validating), `decode` (PNG and JPEG
//! logos through maintained crates), `raster` (pixel limits, resampling), `color`
//! (parsing, compositing, contrast).

mod color;
mod decode;
mod error;
mod logo;
mod matrix;
mod png;
mod pngfile;
mod raster;
mod svg;
mod zlib;

#[cfg(test)]
mod tests;

pub use color::{check_contrast, ColorField, Rgba, MIN_CONTRAST};
pub use error::QrError;
pub use logo::{Logo, LogoKind, MAX_DRAWN_SIDE, MAX_LOGO_BYTES};

use matrix::Matrix;

pub const MIN_SIZE: u32 = 64;
pub const MAX_SIZE: u32 = 2048;
pub const DEFAULT_SIZE: u32 = 512;
pub const MAX_MARGIN: u32 = 16;
/// The quiet zone the QR standard asks for (ISO/IEC 18004: four modules).
pub const DEFAULT_MARGIN: u32 = 4;

/// Output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Svg,
    Png,
}

impl Format {
    /// Parses `svg` or `png`, ignoring ASCII case.
    ///
    /// # Errors
    /// [`QrError::Format`] for anything else.
    pub fn parse(text: &str) -> Result<Format, QrError> {
        if text.eq_ignore_ascii_case("svg") {
            Ok(Format::Svg)
        } else if text.eq_ignore_ascii_case("png") {
            Ok(Format::Png)
        } else {
            Err(QrError::Format(text.to_owned()))
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
        }
    }
}

/// Error-correction level: the share of codewords a reader can restore
/// (about 7%, 15%, 25% and 30%); higher levels make denser codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EcLevel {
    L,
    #[default]
    M,
    Q,
    H,
}

impl EcLevel {
    /// Parses `L`, `M`, `Q` or `H`, ignoring ASCII case.
    ///
    /// # Errors
    /// [`QrError::EcLevel`] for anything else.
    pub fn parse(text: &str) -> Result<EcLevel, QrError> {
        match text {
            "L" | "l" => Ok(EcLevel::L),
            "M" | "m" => Ok(EcLevel::M),
            "Q" | "q" => Ok(EcLevel::Q),
            "H" | "h" => Ok(EcLevel::H),
            _ => Err(QrError::EcLevel(text.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EcLevel::L => "L",
            EcLevel::M => "M",
            EcLevel::Q => "Q",
            EcLevel::H => "H",
        }
    }
}

/// Everything about the image except the text, the format and the logo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QrOptions {
    /// Width and height in pixels ([`MIN_SIZE`]..=[`MAX_SIZE`]).
    pub size: u32,
    /// Quiet zone in modules (0..=[`MAX_MARGIN`]).
    pub margin: u32,
    /// Ignored when a logo is present: a logo always uses [`EcLevel::H`].
    pub ec: EcLevel,
    /// Colour of the dark modules ("dots").
    pub dark: Rgba,
    /// Background colour, transparent allowed.
    pub light: Rgba,
}

impl Default for QrOptions {
    fn default() -> Self {
        QrOptions {
            size: DEFAULT_SIZE,
            margin: DEFAULT_MARGIN,
            ec: EcLevel::M,
            dark: Rgba::BLACK,
            light: Rgba::WHITE,
        }
    }
}

impl QrOptions {
    /// Checks ranges and colour contrast; [`render`] calls it too.
    ///
    /// # Errors
    /// [`QrError::Size`], [`QrError::Margin`], [`QrError::Contrast`] or [`QrError::Inverted`].
    pub fn validate(&self) -> Result<(), QrError> {
        if !(MIN_SIZE..=MAX_SIZE).contains(&self.size) {
            return Err(QrError::Size(self.size));
        }
        if self.margin > MAX_MARGIN {
            return Err(QrError::Margin(self.margin));
        }
        check_contrast(self.dark, self.light)
    }
}

/// Renders `text` as a QR code image in `format`.
///
/// With a logo the error-correction level is forced to H, the code gets at least
/// version 4 (so the centre hole stays clear of the finder and alignment patterns),
/// and the logo is drawn centred on a background-coloured pad covering at most 20%
/// of the symbol. SVG logos can only go into SVG output.
///
/// # Errors
/// Any [`QrError`]; every variant but `Internal` is the caller's input.
pub fn render(
    text: &str,
    options: &QrOptions,
    format: Format,
    logo: Option<&Logo>,
) -> Result<Vec<u8>, QrError> {
    options.validate()?;
    if format == Format::Png && logo.is_some_and(|l| l.kind() == LogoKind::Svg) {
        return Err(QrError::Logo(
            "in SVG format can only be placed on SVG output; use a PNG or JPEG logo for PNG"
                .to_owned(),
        ));
    }
    let ec = if logo.is_some() {
        EcLevel::H
    } else {
        options.ec
    };
    let matrix = Matrix::encode(text, ec, logo.is_some())?;
    match format {
        Format::Svg => Ok(svg::render(&matrix, options, logo).into_bytes()),
        Format::Png => png::render(&matrix, options, logo),
    }
}
