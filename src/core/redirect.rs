//! What the redirect needs to know about a link (the compact record kept in
//! KV, derived from the link in D1) and what it does with one visit: the
//! pure decision the hot path renders.
//!
//! Order of the checks, each ending the decision when it applies:
//! 1. `disabled` → 410 (no fallback: the owner switched the link off);
//! 2. expired (`expiresAt` passed) → `expiredUrl` with a 302, else 410;
//!    a reached click cap (`maxClicks`) is a second reason to expire, with
//!    the same fallback ([`cap_reached`]);
//! 3. password, unless the visitor proved it → the form (or 401/403 JSON);
//! 4. routing (DESIGN.md §3), the first that applies:
//!    a. the social preview (`og`), for a link-unfurling bot → a 200 page;
//!    b. the device target: iOS or Android, for those platforms;
//!    c. the geo target of the visitor's country;
//!    d. the visitor's A/B test variant;
//!    e. the destination;
//!
//!    with UTM parameters and the visitor's query merged in.
//!
//! The decision names what it served ([`Target`]) for analytics.
//!
//! The cap is the one check the KV record cannot answer: only the link's
//! ClickCounter knows the count. So a capped link's redirect to its
//! destination ([`cap_to_check`]) is admitted by the counter before it is
//! sent (docs/adr/2026-11-23-click-caps-admitted-by-the-counter.md); a
//! refusal is rendered as [`cap_reached`]. Uncapped links never ask.

use std::collections::HashSet;

use url::form_urlencoded;

use super::ids::LinkId;
use super::link::Link;
use super::options::{RedirectType, Utm};
use super::password::PasswordHash;
use super::routing::{CountryCode, GeoTargets, SocialPreview, Target, TestVariants};
use super::scan::MARKER_NAME;
use super::time::UnixMillis;
use super::useragent::{classify, is_unfurler, Platform};

/// Everything the hot path reads, in one KV value (format: `store::kv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRecord {
    pub link_id: LinkId,
    pub url: String,
    pub ios: Option<String>,
    pub android: Option<String>,
    pub expires_at: Option<UnixMillis>,
    pub expired_url: Option<String>,
    pub max_clicks: Option<u32>,
    pub password: Option<PasswordHash>,
    pub redirect_type: RedirectType,
    pub forward_query: bool,
    pub utm: Utm,
    pub disabled: bool,
    pub geo: GeoTargets,
    pub test_variants: TestVariants,
    pub og: Option<SocialPreview>,
}

impl RedirectRecord {
    pub fn of(link: &Link) -> RedirectRecord {
        let o = &link.options;
        RedirectRecord {
            link_id: link.id.clone(),
            url: link.url.as_str().to_owned(),
            ios: o.ios.as_ref().map(|u| u.as_str().to_owned()),
            android: o.android.as_ref().map(|u| u.as_str().to_owned()),
            expires_at: o.expires_at,
            expired_url: o.expired_url.as_ref().map(|u| u.as_str().to_owned()),
            max_clicks: o.max_clicks,
            password: o.password.clone(),
            redirect_type: o.redirect_type,
            forward_query: o.forward_query,
            utm: o.utm.clone(),
            disabled: o.disabled,
            geo: o.geo.clone(),
            test_variants: o.test_variants.clone(),
            og: o.og.clone(),
        }
    }

    /// About how many bytes the record holds in memory, for the bound of
    /// the isolate's record cache.
    pub fn approx_bytes(&self) -> usize {
        let optional = [&self.ios, &self.android, &self.expired_url]
            .into_iter()
            .flatten()
            .map(String::len)
            .sum::<usize>();
        let password = self.password.as_ref().map_or(0, |p| p.as_str().len());
        // The struct itself, its allocations' headers and the UTM values.
        256 + self.link_id.as_str().len() + self.url.len() + optional + password
    }

    /// A record with only a destination: every option at its default.
    pub fn plain(link_id: LinkId, url: String) -> RedirectRecord {
        RedirectRecord {
            link_id,
            url,
            ios: None,
            android: None,
            expires_at: None,
            expired_url: None,
            max_clicks: None,
            password: None,
            redirect_type: RedirectType::default(),
            forward_query: true,
            utm: Utm::default(),
            disabled: false,
            geo: GeoTargets::default(),
            test_variants: TestVariants::default(),
            og: None,
        }
    }

    /// Whether the link has expired at `now`.
    pub fn expired(&self, now: UnixMillis) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }

    /// Whether deciding needs the visitor's fingerprint (an A/B test),
    /// so other links never pay for computing it.
    pub fn needs_fingerprint(&self) -> bool {
        !self.test_variants.is_empty()
    }

    /// Whether deciding needs the visitor's country (geo targets).
    pub fn needs_country(&self) -> bool {
        !self.geo.is_empty()
    }
}

/// What the visitor has shown of the link's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProof {
    /// Nothing yet, or the link has none: the caller verifies only when the
    /// decision asks for a password and the visitor sent one.
    NotGiven,
    Correct,
    Wrong,
}

/// One visit, as the decision needs it.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub user_agent: &'a str,
    /// The visitor's raw query string, without the `?`.
    pub query: Option<&'a str>,
    pub now: UnixMillis,
    pub password: PasswordProof,
    /// A POST of the password form: answered with a 303 so the browser
    /// follows it with a GET whatever the link's redirect type.
    pub form_post: bool,
    /// `request.cf.country`, when the link has geo targets.
    pub country: Option<&'a str>,
    /// The visitor's fingerprint (`core::fingerprint`), when the link has an
    /// A/B test: it picks the variant. Without it, the test is skipped.
    pub fingerprint: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneReason {
    Disabled,
    Expired,
    /// `maxClicks` human clicks have been counted.
    CapReached,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Redirect {
        status: u16,
        location: String,
        target: Target,
    },
    /// A 200 page with the link's social preview, for an unfurling bot;
    /// `location` is where the redirect would have sent it, for a link on
    /// the page.
    Preview {
        preview: SocialPreview,
        location: String,
    },
    /// 410 with a page.
    Gone(GoneReason),
    /// The password form (again, with an error, when `wrong`).
    PasswordRequired { wrong: bool },
}

/// The decision for one visit.
pub fn decide(record: &RedirectRecord, visit: &Visit) -> Decision {
    if record.disabled {
        return Decision::Gone(GoneReason::Disabled);
    }
    if record.expired(visit.now) {
        return over(record, GoneReason::Expired);
    }
    if record.password.is_some() && visit.password != PasswordProof::Correct {
        return Decision::PasswordRequired {
            wrong: visit.password == PasswordProof::Wrong,
        };
    }
    let (target, url) = route(record, visit);
    let forwarded = visit.query.filter(|_| record.forward_query);
    let location = merge_query(url, &record.utm, forwarded);
    if let Some(og) = &record.og {
        if is_unfurler(visit.user_agent) {
            return Decision::Preview {
                preview: og.clone(),
                location,
            };
        }
    }
    Decision::Redirect {
        status: if visit.form_post {
            303
        } else {
            record.redirect_type.status()
        },
        location,
        target,
    }
}

/// Where a visitor is sent: the first of device target, geo target, A/B
/// variant and destination that applies.
fn route<'r>(record: &'r RedirectRecord, visit: &Visit) -> (Target, &'r str) {
    // Classifying costs a few substring scans: only links with targets pay.
    if record.ios.is_some() || record.android.is_some() {
        match (
            classify(visit.user_agent, false).platform,
            &record.ios,
            &record.android,
        ) {
            (Platform::Ios, Some(ios), _) => return (Target::Ios, ios),
            (Platform::Android, _, Some(android)) => return (Target::Android, android),
            _ => {}
        }
    }
    if let Some(country) = visit.country.and_then(CountryCode::parse) {
        if let Some(url) = record.geo.get(country) {
            return (Target::Geo(country), url.as_str());
        }
    }
    if let Some((number, url)) = visit.fingerprint.and_then(|f| record.test_variants.pick(f)) {
        return (Target::Variant(number), url.as_str());
    }
    (Target::Default, &record.url)
}

/// An expired or capped link: `expiredUrl` with a 302, else 410.
fn over(record: &RedirectRecord, reason: GoneReason) -> Decision {
    match &record.expired_url {
        // 302 whatever the link's type: the fallback is temporary by
        // nature, and a cached 301 would outlive a later PATCH.
        Some(fallback) => Decision::Redirect {
            status: 302,
            location: fallback.clone(),
            target: Target::Fallback,
        },
        None => Decision::Gone(reason),
    }
}

/// What a visit the ClickCounter refused (cap reached) gets.
pub fn cap_reached(record: &RedirectRecord) -> Decision {
    over(record, GoneReason::CapReached)
}

/// The cap a redirect of this link must be admitted under: `Some` for a
/// capped link that has not expired (an expired link's fallback redirect
/// is not a click of the link and consumes nothing).
pub fn cap_to_check(record: &RedirectRecord, now: UnixMillis) -> Option<u32> {
    record.max_clicks.filter(|_| !record.expired(now))
}

/// Whether one more click fits under `cap` when `counted` human clicks
/// have been: the ClickCounter's admission rule, for bots too (a bot
/// consumes nothing, but is refused once the link is over).
pub fn within_cap(counted: i64, cap: u32) -> bool {
    counted < i64::from(cap)
}

/// `destination` with UTM parameters and the visitor's query merged in.
///
/// The link's parameters win: its UTM values replace the destination's own
/// parameters of the same name, and a visitor's parameter is added only
/// when the link has none of that name, so `?next=`, `?aff=` or `utm_*` from
/// whoever shares the short URL cannot redirect or re-attribute the link.
/// The destination's parameters keep their place and spelling, then come
/// the UTM parameters, then the visitor's others in the order sent. The
/// visitor's `qr` marker is dropped, and a fragment stays at the end.
pub fn merge_query(destination: &str, utm: &Utm, visitor: Option<&str>) -> String {
    let visitor: Vec<&str> = visitor
        .unwrap_or_default()
        .split('&')
        .filter(|s| !s.is_empty() && name_of(s) != MARKER_NAME)
        .collect();
    if visitor.is_empty() && utm.is_empty() {
        return destination.to_owned();
    }
    let utm: Vec<(&str, &str)> = utm.pairs().collect();
    let (base, fragment) = match destination.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (destination, None),
    };
    let (path, own) = base.split_once('?').unwrap_or((base, ""));
    let own: Vec<&str> = own.split('&').filter(|s| !s.is_empty()).collect();
    // Only a visitor's query needs the link's names (the redirect's hot path).
    let link_names: HashSet<String> = if visitor.is_empty() {
        HashSet::new()
    } else {
        own.iter()
            .map(|s| name_of(s))
            .chain(utm.iter().map(|(name, _)| (*name).to_owned()))
            .collect()
    };
    let mut query: Vec<String> = own
        .iter()
        .filter(|s| {
            let name = name_of(s);
            !utm.iter().any(|(n, _)| *n == name)
        })
        .map(|s| (*s).to_owned())
        .collect();
    query.extend(utm.iter().map(|(name, value)| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair(name, value)
            .finish()
    }));
    query.extend(
        visitor
            .iter()
            .filter(|s| !link_names.contains(&name_of(s)))
            .map(|s| (*s).to_owned()),
    );
    let mut out = String::with_capacity(destination.len() + 64);
    out.push_str(path);
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The decoded name of one `name=value` query segment.
fn name_of(segment: &str) -> String {
    form_urlencoded::parse(segment.as_bytes())
        .next()
        .map(|(name, _)| name.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod routing_tests;
#[cfg(test)]
mod tests;
