//! Click analytics of one link, in both dialects (DESIGN.md §4.3):
//! `GET /v1/links/{idOrSlug}/analytics` (SMO1) and `GET /v1/analytics/{id}`
//! (SmartLinks; a slug works there too, as everywhere a link is named).
//! Either takes `period=24h|7d|30d|90d` or `from`/`to`.

use worker::{console_error, Request, Response};

use super::error::ApiError;
use super::{respond, Call};
use crate::core::analytics::report::{build_report, ReportInput};
use crate::core::analytics::SketchRange;
use crate::core::period::{parse_period, PeriodQuery};
use crate::core::validation::Invalid;
use crate::objects::protocol;
use crate::shell::runtime;

/// GET /v1/links/{idOrSlug}/analytics and GET /v1/analytics/{idOrSlug}
pub async fn report(
    req: &Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    // The first of a repeated parameter wins, as in the links listing.
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let query = PeriodQuery {
        period: param("period"),
        from: param("from"),
        to: param("to"),
    };
    let now = runtime::now();
    let period = parse_period(query, now).map_err(|e| Invalid::new(e.field(), e.to_string()))?;
    let range = SketchRange::for_period(&period, now);
    let (link, rows) = super::links::find_with(call, id_or_slug, |id| async move {
        protocol::fetch_report(call.env, &id, &range).await
    })
    .await?;
    let rows = rows.map_err(|e| {
        console_error!("analytics of {} unavailable: {e}", link.id);
        ApiError::Unavailable
    })?;
    let rows = rows.decode().map_err(|e| {
        console_error!("analytics of {} unreadable: {e}", link.id);
        ApiError::Internal
    })?;
    let variant_visitors: Vec<(u8, u64)> = rows
        .variants
        .iter()
        .map(|(n, sketch)| (*n, sketch.estimate()))
        .collect();
    let report = build_report(ReportInput {
        link_id: &link.id,
        slug: link.slug.as_str(),
        period: &period,
        counts: &rows.counts,
        unique_visitors: rows.sketch.estimate(),
        variant_visitors: &variant_visitors,
    });
    respond::json(200, &report)
}
