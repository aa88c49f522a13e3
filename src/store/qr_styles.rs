//! `link_qr_styles`: each link's saved QR style, one row once its owner
//! saves one (no row: the defaults). The logo file is kept inline, base64
//! (at most `qr::MAX_LOGO_BYTES`, so ~683 KiB of text, within D1's 2 MB
//! row), so a link and its style are written and deleted together.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Deserialize;
use worker::{query, D1Database};

use super::{changed, Result};
use crate::core::ids::{AccountId, LinkId};
use crate::core::qr::{ColorField, EcLevel, LogoKind, QrOptions, Rgba};
use crate::core::qr_style::{QrStyle, SavedLogo};
use crate::core::time::UnixMillis;

#[derive(Deserialize)]
struct Row {
    dots: String,
    background: String,
    size: i64,
    margin: i64,
    error_correction: String,
    logo: Option<String>,
    logo_type: Option<String>,
    logo_width: Option<i64>,
    logo_height: Option<i64>,
    updated_at: i64,
}

impl Row {
    /// Written by [`save`], so it parses; a corrupt field reads as its
    /// default rather than failing the public QR code.
    fn into_style(self) -> QrStyle {
        let defaults = QrOptions::default();
        let number = |v: i64, default: u32| u32::try_from(v).unwrap_or(default);
        let options = QrOptions {
            size: number(self.size, defaults.size),
            margin: number(self.margin, defaults.margin),
            ec: EcLevel::parse(&self.error_correction).unwrap_or(defaults.ec),
            dark: Rgba::parse(&self.dots, ColorField::Dots).unwrap_or(defaults.dark),
            light: Rgba::parse(&self.background, ColorField::Background).unwrap_or(defaults.light),
        };
        let kind = match self.logo_type.as_deref() {
            Some("image/png") => Some(LogoKind::Png),
            Some("image/jpeg") => Some(LogoKind::Jpeg),
            Some("image/svg+xml") => Some(LogoKind::Svg),
            _ => None,
        };
        let logo = match (
            kind,
            self.logo.as_deref().and_then(|b| BASE64.decode(b).ok()),
        ) {
            (Some(kind), Some(bytes)) => Some(SavedLogo {
                kind,
                bytes,
                size: self
                    .logo_width
                    .zip(self.logo_height)
                    .and_then(|(w, h)| Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?))),
            }),
            _ => None,
        };
        QrStyle {
            options,
            logo,
            updated_at: Some(UnixMillis(self.updated_at)),
        }
    }
}

/// The saved style of `link_id`; `None` when its owner never saved one.
pub async fn get(db: &D1Database, link_id: &LinkId) -> Result<Option<QrStyle>> {
    let row = query!(
        db,
        "SELECT dots, background, size, margin, error_correction, logo, logo_type,
                logo_width, logo_height, updated_at
         FROM link_qr_styles WHERE link_id = ?1",
        link_id
    )?
    .first::<Row>(None)
    .await?;
    Ok(row.map(Row::into_style))
}

/// Saves the style of a link of this account; false when the link is gone
/// (deleted meanwhile), so no style outlives its link.
pub async fn save(
    db: &D1Database,
    account_id: &AccountId,
    link_id: &LinkId,
    style: &QrStyle,
) -> Result<bool> {
    let o = &style.options;
    let logo = style.logo.as_ref();
    let result = query!(
        db,
        "INSERT INTO link_qr_styles (link_id, account_id, dots, background, size, margin,
           error_correction, logo, logo_type, logo_width, logo_height, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
         WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1 AND account_id = ?2)
         ON CONFLICT (link_id) DO UPDATE SET dots = excluded.dots, background = excluded.background,
           size = excluded.size, margin = excluded.margin, error_correction = excluded.error_correction,
           logo = excluded.logo, logo_type = excluded.logo_type, logo_width = excluded.logo_width,
           logo_height = excluded.logo_height, updated_at = excluded.updated_at",
        link_id,
        account_id,
        o.dark.hex(),
        o.light.hex(),
        o.size,
        o.margin,
        o.ec.as_str(),
        logo.map(|l| BASE64.encode(&l.bytes)),
        logo.map(|l| l.kind.mime()),
        logo.and_then(|l| l.size).map(|(w, _)| w),
        logo.and_then(|l| l.size).map(|(_, h)| h),
        style.updated_at.map_or(0, |t| t.0),
    )?
    .run()
    .await?;
    changed(&result)
}

/// Forgets a link's saved style (back to the defaults).
pub async fn delete(db: &D1Database, account_id: &AccountId, link_id: &LinkId) -> Result<()> {
    query!(
        db,
        "DELETE FROM link_qr_styles WHERE link_id = ?1 AND account_id = ?2",
        link_id,
        account_id
    )?
    .run()
    .await?;
    Ok(())
}
