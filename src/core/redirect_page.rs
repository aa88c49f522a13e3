//! The HTML pages a visitor of a smart link may see instead of a redirect:
//! the password form, the inspect page (`/{slug}+`) and the social preview
//! for link-unfurling bots. Every piece of text is escaped here; the shell adds `html::SECURITY_HEADERS`, whose CSP
//! (`form-action 'self'`) lets the form post back to us and nowhere else.

use super::html::escape;
use super::redirect::RedirectRecord;
use super::routing::SocialPreview;
use super::time::UnixMillis;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}\
input,button{font:inherit;padding:.4rem .6rem}dt{font-weight:600;margin-top:.8rem}dd{margin:0;word-break:break-all}\
.error{color:#b00020}";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style>\
</head><body>{body}</body></html>",
        escape(title)
    )
}

/// The password form. `action` is the path and query to post to (the
/// short URL itself, so the visitor's query survives); `csrf` the token
/// also set in the visitor's cookie.
pub fn password_form(action: &str, csrf: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    document(
        "Password required",
        &format!(
            "<h1>Password required</h1><p>This link is protected. Enter its password to continue.</p>{error}\
<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
<label>Password <input type=\"password\" name=\"password\" required autofocus autocomplete=\"current-password\" maxlength=\"128\"></label> \
<button type=\"submit\">Continue</button></form>",
            escape(action),
            escape(csrf)
        ),
    )
}

/// A link's state, as the inspect page reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Disabled,
    Expired,
    /// `maxClicks` human clicks have been counted.
    Capped,
}

impl Status {
    /// In the redirect's own order: disabled, then expired, then capped.
    /// `clicks` is the link's counted total (the cap's count).
    pub fn of(record: &RedirectRecord, clicks: u64, now: UnixMillis) -> Status {
        if record.disabled {
            Status::Disabled
        } else if record.expired(now) {
            Status::Expired
        } else if record
            .max_clicks
            .is_some_and(|cap| clicks >= u64::from(cap))
        {
            Status::Capped
        } else {
            Status::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Disabled => "disabled",
            Status::Expired => "expired",
            Status::Capped => "capped",
        }
    }
}

/// What the inspect page may show about a link. A live link shows where it
/// goes; a protected one hides its destinations and title (both are the
/// owner's to reveal, with the password); a disabled, expired or capped one
/// shows only its status, since the owner switched it off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection<'a> {
    pub short_url: &'a str,
    pub destination: Option<&'a str>,
    pub ios: Option<&'a str>,
    pub android: Option<&'a str>,
    pub title: Option<&'a str>,
    /// RFC 3339.
    pub created_at: Option<&'a str>,
    pub status: Status,
    pub has_password: bool,
}

impl<'a> Inspection<'a> {
    pub fn new(
        short_url: &'a str,
        record: &'a RedirectRecord,
        title: Option<&'a str>,
        created_at: &'a str,
        status: Status,
    ) -> Inspection<'a> {
        let has_password = record.password.is_some();
        let live = status == Status::Active;
        let open = live && !has_password;
        let shown = |url: Option<&'a String>| url.filter(|_| open).map(String::as_str);
        Inspection {
            short_url,
            destination: shown(Some(&record.url)),
            ios: shown(record.ios.as_ref()),
            android: shown(record.android.as_ref()),
            title: title.filter(|_| open),
            created_at: Some(created_at).filter(|_| live),
            status,
            has_password: has_password && live,
        }
    }
}

/// The inspect page: where a link goes, without going there.
pub fn inspect(i: &Inspection) -> String {
    let mut rows = format!("<dt>Short link</dt><dd>{}</dd>", escape(i.short_url));
    if i.status != Status::Active {
        rows.push_str(&format!(
            "<dt>Status</dt><dd>{}</dd>",
            escape(i.status.as_str())
        ));
        return document(
            "Where this link goes",
            &format!(
                "<h1>Where this link goes</h1><dl>{rows}</dl><p>This link no longer leads anywhere.</p>"
            ),
        );
    }
    match i.destination {
        Some(url) => rows.push_str(&format!(
            "<dt>Goes to</dt><dd><a href=\"{0}\" rel=\"noopener noreferrer nofollow\">{0}</a></dd>",
            escape(url)
        )),
        None => {
            rows.push_str("<dt>Goes to</dt><dd>Hidden: this link is protected by a password.</dd>")
        }
    }
    for (label, target) in [("On iPhone and iPad", i.ios), ("On Android", i.android)] {
        if let Some(url) = target {
            rows.push_str(&format!("<dt>{label}</dt><dd>{}</dd>", escape(url)));
        }
    }
    if let Some(title) = i.title {
        rows.push_str(&format!("<dt>Title</dt><dd>{}</dd>", escape(title)));
    }
    if let Some(created) = i.created_at {
        rows.push_str(&format!("<dt>Created</dt><dd>{}</dd>", escape(created)));
    }
    rows.push_str(&format!(
        "<dt>Status</dt><dd>{}</dd>",
        escape(i.status.as_str())
    ));
    document(
        "Where this link goes",
        &format!("<h1>Where this link goes</h1><dl>{rows}</dl>"),
    )
}

/// What the social preview page shows.
pub struct Preview<'a> {
    pub preview: &'a SocialPreview,
    /// The short URL the bot fetched: `og:url`, so shares of it group.
    pub short_url: &'a str,
    /// Where the link sends visitors, linked for anyone who lands here.
    pub destination: &'a str,
}

/// The social preview: Open Graph and Twitter Card tags, and a plain
/// page with the same text and a link on.
pub fn social_preview(p: &Preview) -> String {
    let og = p.preview;
    let title = escape(&og.title);
    let mut meta = format!(
        "<meta property=\"og:type\" content=\"website\">\
<meta property=\"og:title\" content=\"{title}\">\
<meta property=\"og:url\" content=\"{}\">\
<meta name=\"twitter:title\" content=\"{title}\">",
        escape(p.short_url)
    );
    let mut body = format!("<h1>{title}</h1>");
    if let Some(description) = &og.description {
        let description = escape(description);
        meta.push_str(&format!(
            "<meta name=\"description\" content=\"{description}\">\
<meta property=\"og:description\" content=\"{description}\">\
<meta name=\"twitter:description\" content=\"{description}\">"
        ));
        body.push_str(&format!("<p>{description}</p>"));
    }
    let card = match &og.image {
        Some(image) => {
            let image = escape(image.as_str());
            meta.push_str(&format!(
                "<meta property=\"og:image\" content=\"{image}\">\
<meta name=\"twitter:image\" content=\"{image}\">"
            ));
            "summary_large_image"
        }
        None => "summary",
    };
    meta.push_str(&format!("<meta name=\"twitter:card\" content=\"{card}\">"));
    body.push_str(&format!(
        "<p><a href=\"{}\" rel=\"noopener noreferrer nofollow\">Continue</a></p>",
        escape(p.destination)
    ));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{title}</title>{meta}<style>{STYLE}</style>\
</head><body>{body}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::destination::DestinationUrl;

    #[test]
    fn the_form_posts_back_with_its_token_and_escapes_everything() {
        let html = password_form("/s?a=1&b=\"x\"", "tok<", Some("Wrong <password>"));
        assert!(html.contains("<form method=\"post\" action=\"/s?a=1&amp;b=&quot;x&quot;\">"));
        assert!(html.contains("name=\"csrf\" value=\"tok&lt;\""));
        assert!(html.contains("Wrong &lt;password&gt;"));
        assert!(!password_form("/s", "t", None).contains("class=\"error\""));
    }

    fn record() -> RedirectRecord {
        let mut r = RedirectRecord::plain(
            crate::core::ids::LinkId::from_stored("link_a".into()),
            "https://e.com/?q=<b>".into(),
        );
        r.ios = Some("https://apps.apple.com/x".into());
        r
    }

    const NOW: UnixMillis = UnixMillis(1_800_000_000_000);

    #[test]
    fn an_open_live_link_shows_where_it_goes() {
        let r = record();
        let i = Inspection::new(
            "https://smart.link/s",
            &r,
            Some("T & C"),
            "2026-01-01T00:00:00Z",
            Status::Active,
        );
        let html = inspect(&i);
        assert!(html.contains("https://e.com/?q=&lt;b&gt;"));
        assert!(html.contains("On iPhone and iPad"));
        assert!(!html.contains("On Android"));
        assert!(html.contains("T &amp; C"));
        assert!(html.contains("2026-01-01"));
    }

    #[test]
    fn a_protected_link_hides_its_destinations_and_title() {
        let mut r = record();
        r.password = Some(crate::core::password::PasswordHash::from_stored("x".into()));
        let i = Inspection::new(
            "https://smart.link/s",
            &r,
            Some("Secret plan"),
            "2026-01-01T00:00:00Z",
            Status::Active,
        );
        assert_eq!((i.destination, i.ios, i.title), (None, None, None));
        assert!(i.has_password);
        let html = inspect(&i);
        assert!(!html.contains("q=&lt;b") && !html.contains("apple") && !html.contains("Secret"));
        assert!(html.contains("protected by a password"));
    }

    #[test]
    fn a_dead_link_shows_only_its_status() {
        for status in [Status::Disabled, Status::Expired, Status::Capped] {
            let mut r = record();
            r.password = Some(crate::core::password::PasswordHash::from_stored("x".into()));
            let i = Inspection::new(
                "https://smart.link/s",
                &r,
                Some("Secret"),
                "2026-01-01T00:00:00Z",
                status,
            );
            assert_eq!(
                (i.destination, i.ios, i.title, i.created_at, i.has_password),
                (None, None, None, None, false)
            );
            let html = inspect(&i);
            assert!(!html.contains("e.com") && !html.contains("Secret") && !html.contains("2026"));
            assert!(html.contains(&format!("<dd>{}</dd>", status.as_str())));
        }
    }

    #[test]
    fn status_follows_the_redirects_order() {
        let mut r = record();
        assert_eq!(Status::of(&r, 0, NOW), Status::Active);
        r.max_clicks = Some(3);
        assert_eq!(Status::of(&r, 2, NOW), Status::Active);
        assert_eq!(Status::of(&r, 3, NOW), Status::Capped);
        r.expires_at = Some(NOW);
        assert_eq!(Status::of(&r, 3, NOW), Status::Expired);
        r.disabled = true;
        assert_eq!(Status::of(&r, 3, NOW), Status::Disabled);
    }

    #[test]
    fn the_preview_carries_every_tag_and_escapes_everything() {
        let og = SocialPreview {
            title: "<script>alert(\"t\")</script>".into(),
            description: Some("Tom & Jerry's \"best\"".into()),
            image: Some(DestinationUrl::from_stored(
                "https://img.example/a.png?x=1&y=\"2\"".into(),
            )),
        };
        let html = social_preview(&Preview {
            preview: &og,
            short_url: "https://smart.link/s",
            destination: "https://e.com/?a=1&b=<2>",
        });
        let title = "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;";
        assert!(html.contains(&format!("<title>{title}</title>")));
        assert!(html.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")));
        assert!(html.contains(&format!(
            "<meta name=\"twitter:title\" content=\"{title}\">"
        )));
        assert!(html.contains(
            "<meta property=\"og:description\" content=\"Tom &amp; Jerry&#39;s &quot;best&quot;\">"
        ));
        assert!(html.contains(
            "<meta property=\"og:image\" content=\"https://img.example/a.png?x=1&amp;y=&quot;2&quot;\">"
        ));
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
        assert!(html.contains("<meta property=\"og:url\" content=\"https://smart.link/s\">"));
        assert!(html.contains("href=\"https://e.com/?a=1&amp;b=&lt;2&gt;\""));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn a_preview_without_image_or_description_is_a_summary_card() {
        let og = SocialPreview {
            title: "Hello".into(),
            description: None,
            image: None,
        };
        let html = social_preview(&Preview {
            preview: &og,
            short_url: "https://smart.link/s",
            destination: "https://e.com/",
        });
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
        assert!(!html.contains("og:image") && !html.contains("og:description"));
    }
}
