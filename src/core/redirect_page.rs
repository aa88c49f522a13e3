//! The HTML pages a visitor of a smart link may see instead of a redirect:
//! the password form and the inspect page (`/{slug}+`). Every piece of
//! text is escaped here; the shell adds `html::SECURITY_HEADERS`, whose CSP
//! (`form-action 'self'`) lets the form post back to us and nowhere else.

use super::html::escape;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
