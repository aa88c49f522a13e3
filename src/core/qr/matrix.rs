//! The module grid of a QR symbol, with the square "hole" cleared for a logo.

use qrcode::types::{Color, QrError as LibError};
use qrcode::{QrCode, Version};

use super::{EcLevel, QrError};

/// Smallest version used under a logo: at 33 modules the hole (13 modules) is big enough
/// for a visible logo while leaving the finder and alignment patterns untouched.
const MIN_LOGO_VERSION: i16 = 4;

/// The hole may cover at most 1/5 of the symbol's area: H restores 30% of codewords,
/// which leaves room for the damage that printing and camera blur add on top.
const MAX_HOLE_AREA_DIVISOR: usize = 5;

/// Modules kept between the hole and each edge: 7 finder + 1 separator + 1, which also
/// clears the bottom-right alignment pattern (centre at width-7, radius 2) of versions 2-6.
const HOLE_EDGE_CLEARANCE: usize = 9;

/// A square of modules, `start..start + len` on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hole {
    pub start: usize,
    pub len: usize,
}

pub(super) struct Matrix {
    width: usize,
    dark: Vec<bool>,
    hole: Option<Hole>,
}

impl Matrix {
    /// Encodes `text` at level `ec`; `with_logo` enlarges tiny codes and cuts the hole.
    pub fn encode(text: &str, ec: EcLevel, with_logo: bool) -> Result<Matrix, QrError> {
        if text.is_empty() {
            return Err(QrError::EmptyText);
        }
        let level = match ec {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        };
        let map_err = |e: LibError| match e {
            LibError::DataTooLong => QrError::TooLong {
                ec,
                logo: with_logo,
            },
            other => QrError::Internal(other.to_string()),
        };
        let mut code = QrCode::with_error_correction_level(text, level).map_err(map_err)?;
        if with_logo && matches!(code.version(), Version::Normal(v) if v < MIN_LOGO_VERSION) {
            code = QrCode::with_version(text, Version::Normal(MIN_LOGO_VERSION), level)
                .map_err(map_err)?;
        }
        let width = code.width();
        let dark = code
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let hole = with_logo.then(|| hole_for(width)).flatten();
        Ok(Matrix { width, dark, hole })
    }

    /// Modules per side, quiet zone excluded.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn hole(&self) -> Option<Hole> {
        self.hole
    }

    /// Whether the module at column `x`, row `y` is painted; false outside the symbol
    /// and inside the logo hole.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        if x >= self.width || self.hole.is_some_and(|h| h.contains(x) && h.contains(y)) {
            return false;
        }
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

impl Hole {
    fn contains(self, i: usize) -> bool {
        (self.start..self.start + self.len).contains(&i)
    }
}

/// The largest centred odd square within the area and edge limits (odd, because QR
/// widths are odd, so it sits exactly on the module grid).
fn hole_for(width: usize) -> Option<Hole> {
    // Odd, as `width` is odd.
    let mut len = width.saturating_sub(2 * HOLE_EDGE_CLEARANCE);
    while len > 1 && len * len * MAX_HOLE_AREA_DIVISOR > width * width {
        len = len.saturating_sub(2);
    }
    (len > 1).then(|| Hole {
        start: (width - len) / 2,
        len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_stay_within_area_and_clear_of_patterns() {
        for version in 1..=40usize {
            let width = 17 + 4 * version;
            let Some(hole) = hole_for(width) else {
                assert!(width < 2 * HOLE_EDGE_CLEARANCE + 3, "{width}");
                continue;
            };
            assert_eq!(hole.len % 2, 1);
            assert!(
                hole.len * hole.len * 5 <= width * width,
                "{width}: {hole:?}"
            );
            assert!(hole.start >= HOLE_EDGE_CLEARANCE);
            assert_eq!(hole.start * 2 + hole.len, width, "centred");
            // Not wastefully small either: at least 12% of the area from version 4 on.
            if version >= 4 {
                assert!(
                    hole.len * hole.len * 100 >= width * width * 12,
                    "{width}: {hole:?}"
                );
            }
        }
    }

    /// `MAX_DRAWN_SIDE` bounds every logo hole of a PNG at the largest size (margin 0
    /// gives the biggest modules), so a saved logo is never drawn larger than stored.
    #[test]
    fn no_logo_is_drawn_wider_than_max_drawn_side() {
        for version in 1..=40usize {
            let width = 17 + 4 * version;
            if let Some(hole) = hole_for(width) {
                let scale = super::super::MAX_SIZE as usize / width;
                assert!(
                    hole.len * scale <= super::super::MAX_DRAWN_SIDE as usize,
                    "version {version}"
                );
            }
        }
    }

    #[test]
    fn logo_codes_get_a_minimum_version_and_a_hole() {
        let m = Matrix::encode("hi", EcLevel::H, true).unwrap();
        assert_eq!(m.width(), 33);
        let hole = m.hole().unwrap();
        assert_eq!(hole, Hole { start: 10, len: 13 });
        assert!(!m.is_dark(16, 16));
        let plain = Matrix::encode("hi", EcLevel::H, false).unwrap();
        assert_eq!(plain.width(), 21);
        assert!(plain.hole().is_none());
        // Finder pattern corner is dark; outside the symbol is light.
        assert!(plain.is_dark(0, 0));
        assert!(!plain.is_dark(21, 0) && !plain.is_dark(0, 21));
    }
}
