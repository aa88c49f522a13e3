//! `/v1/links/{idOrSlug}/qr-style`: a link's saved QR style (CONTRACTS.md),
//! what the public `GET /{slug}/qr` renders. A logo is fetched (or decoded
//! from its `data:` URL), vetted, decoded and scaled down here, once, and
//! stored with the style; nothing is fetched when the code is drawn.

use serde_json::{json, Value};
use worker::{Request, Response};

use super::super::error::ApiError;
use super::super::{body, respond, Call};
use super::{find, link_scan_url, logo_fetch, saved_style};
use crate::core::qr::{render, Format, Logo, LogoKind};
use crate::core::qr_style::{qr_invalid, QrStyle, SavedLogo, StylePatch};
use crate::core::time::UnixMillis;
use crate::core::validation::Invalid;
use crate::shell::runtime;
use crate::store::qr_styles;

/// GET /v1/links/{idOrSlug}/qr-style: the saved style, or the defaults.
pub async fn get(id_or_slug: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let link = find(call, id_or_slug).await?;
    respond::json(200, &view(&saved_style(&call.db()?, &link.id).await?))
}

/// PUT /v1/links/{idOrSlug}/qr-style: saves the fields sent (absent ones
/// keep their value, `null` resets one; `"logo": null` removes the logo).
/// The saved style must render the link's code, or nothing is saved.
pub async fn put(
    req: &mut Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let patch = StylePatch::from_body(body::json(req).await?)?;
    let link = find(call, id_or_slug).await?;
    let db = call.db()?;
    let logo = match &patch.logo {
        Some(Some(source)) => {
            let fetched = logo_fetch::load(source.clone())
                .await
                .map_err(|m| Invalid::new("logo", format!("`logo` {m}")))?;
            Some(
                Logo::for_saving(fetched.bytes, &fetched.content_type)
                    .map_err(|e| qr_invalid(&e))?,
            )
        }
        _ => None,
    };
    let style = patch.apply(saved_style(&db, &link.id).await?, logo, runtime::now())?;
    // One render now, so the public code never fails on what was saved: an
    // SVG logo can only be drawn into SVG, so that style is checked as SVG.
    let drawn = style
        .logo
        .as_ref()
        .map(SavedLogo::decode)
        .transpose()
        .map_err(|e| qr_invalid(&e))?;
    let format = match drawn.as_ref().map(Logo::kind) {
        Some(LogoKind::Svg) => Format::Svg,
        _ => Format::Png,
    };
    render(
        &link_scan_url(call, &link),
        &style.options,
        format,
        drawn.as_ref(),
    )
    .map_err(|e| qr_invalid(&e))?;
    if !qr_styles::save(&db, &call.caller.account_id, &link.id, &style).await? {
        return Err(ApiError::not_found("link"));
    }
    respond::json(200, &view(&style))
}

/// DELETE /v1/links/{idOrSlug}/qr-style: back to the defaults.
pub async fn delete(id_or_slug: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let link = find(call, id_or_slug).await?;
    qr_styles::delete(&call.db()?, &call.caller.account_id, &link.id).await?;
    respond::json(200, &view(&QrStyle::default()))
}

/// `{dotsColor, backgroundColor, size, margin, errorCorrection, logo: null |
/// {contentType, width, height, bytes}, updatedAt}`; `width`/`height` are
/// `null` for an SVG logo.
fn view(style: &QrStyle) -> Value {
    let o = &style.options;
    let logo = style.logo.as_ref().map(|l| {
        json!({
            "contentType": l.kind.mime(),
            "width": l.size.map(|(w, _)| w),
            "height": l.size.map(|(_, h)| h),
            "bytes": l.bytes.len(),
        })
    });
    json!({
        "dotsColor": o.dark.hex(),
        "backgroundColor": o.light.hex(),
        "size": o.size,
        "margin": o.margin,
        "errorCorrection": o.ec.as_str(),
        "logo": logo,
        "updatedAt": style.updated_at.map(UnixMillis::to_rfc3339),
    })
}
