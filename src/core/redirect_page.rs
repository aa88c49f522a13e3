//! The HTML pages a visitor of a smart link may see instead of a redirect:
//! the password form, the inspect page (`/{slug}+`) and the social preview
//! for link-unfurling bots. Every piece of text is escaped here; the shell adds `html::SECURITY_HEADERS`, whose CSP
//! (`form-action 'self'`) lets the form post back to us and nowhere else.

use super::html::escape;
use super::routing::SocialPreview;

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

/// What the inspect page shows about a link.
pub struct Inspection<'a> {
    pub short_url: &'a str,
    /// `None` when a password hides it.
    pub destination: Option<&'a str>,
    pub ios: Option<&'a str>,
    pub android: Option<&'a str>,
    pub title: Option<&'a str>,
    /// RFC 3339.
    pub created_at: &'a str,
    /// `active`, `expired`, `disabled`.
    pub status: &'a str,
}

/// The inspect page: where a link goes, without going there.
pub fn inspect(i: &Inspection) -> String {
    let mut rows = format!("<dt>Short link</dt><dd>{}</dd>", escape(i.short_url));
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
    rows.push_str(&format!(
        "<dt>Created</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd>",
        escape(i.created_at),
        escape(i.status)
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

    #[test]
    fn inspect_hides_a_protected_destination() {
        let mut i = Inspection {
            short_url: "https://smart.link/s",
            destination: Some("https://e.com/?q=<b>"),
            ios: Some("https://apps.apple.com/x"),
            android: None,
            title: Some("T & C"),
            created_at: "2026-01-01T00:00:00Z",
            status: "active",
        };
        let html = inspect(&i);
        assert!(html.contains("https://e.com/?q=&lt;b&gt;"));
        assert!(html.contains("On iPhone and iPad"));
        assert!(!html.contains("On Android"));
        assert!(html.contains("T &amp; C"));
        i.destination = None;
        assert!(!inspect(&i).contains("q=&lt;b"));
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
