//! The one error type of QR rendering: each variant names the request field at fault,
//! so the HTTP layer can answer 400 `validation_error` without knowing QR details.

use super::{ColorField, EcLevel, MAX_MARGIN, MAX_SIZE, MIN_CONTRAST, MIN_SIZE};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QrError {
    #[error("size must be between {MIN_SIZE} and {MAX_SIZE} pixels, got {0}")]
    Size(u32),
    /// A PNG needs at least one pixel per module; long texts make big codes.
    #[error("size {size} px is too small for this {modules}-module code (margin included); use a size of at least {modules} or a shorter URL")]
    SizeTooSmall { size: u32, modules: u32 },
    #[error("margin must be between 0 and {MAX_MARGIN} modules, got {0}")]
    Margin(u32),
    #[error("format must be svg or png, got {0:?}")]
    Format(String),
    #[error("errorCorrection must be L, M, Q or H, got {0:?}")]
    EcLevel(String),
    #[error("{field} must be a colour like #rgb, #rrggbb or #rrggbbaa, got {value:?}")]
    Color { field: ColorField, value: String },
    #[error("dotsColor and backgroundColor contrast {ratio:.2}:1, below the {MIN_CONTRAST}:1 needed to scan reliably")]
    Contrast { ratio: f64 },
    #[error(
        "dotsColor must be darker than backgroundColor: many scanners cannot read inverted codes"
    )]
    Inverted,
    #[error("the text to encode is empty")]
    EmptyText,
    /// `logo` is set when the level was forced to H by a logo, which changes the advice.
    #[error("{}", too_long_message(*.ec, *.logo))]
    TooLong { ec: EcLevel, logo: bool },
    #[error("logo {0}")]
    Logo(String),
    /// Not the caller's fault (an encoder failure); maps to a 500.
    #[error("could not encode the QR image: {0}")]
    Internal(String),
}

impl QrError {
    /// The request field to blame, as the API names it; `None` for [`QrError::Internal`].
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            QrError::Size(_) | QrError::SizeTooSmall { .. } => "size",
            QrError::Margin(_) => "margin",
            QrError::Format(_) => "format",
            QrError::EcLevel(_) => "errorCorrection",
            QrError::Color { field, .. } => field.as_str(),
            QrError::Contrast { .. } | QrError::Inverted => "style",
            QrError::EmptyText | QrError::TooLong { .. } => "url",
            QrError::Logo(_) => "style.logo",
            QrError::Internal(_) => return None,
        })
    }
}

fn too_long_message(ec: EcLevel, logo: bool) -> String {
    if logo {
        "URL is too long for a QR code with a logo (a logo forces errorCorrection H); use a shorter URL or no logo".to_owned()
    } else if ec == EcLevel::L {
        "URL is too long for a QR code; use a shorter URL".to_owned()
    } else {
        format!(
            "URL is too long for a QR code at errorCorrection {}; use a lower errorCorrection or a shorter URL",
            ec.as_str()
        )
    }
}
