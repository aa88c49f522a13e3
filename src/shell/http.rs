//! HTTP pieces the API and the visitor pages share, so each rule is written
//! once: the method as the client sent it, whether the client wants JSON,
//! the JSON error body of DESIGN.md §4.4, and HTML pages with their
//! security headers.

use serde_json::{json, Value};
use worker::{Method, Request, Response};

use crate::core::html;

/// The method, or `None` for one the worker does not serve.
///
/// `worker::Request::method()` maps any method it does not know (`QUERY`,
/// `PROPFIND`, …) to `GET`, which would answer them as if they were GETs.
pub fn method(req: &Request) -> Option<Method> {
    let method = match req.inner().method().as_str() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        "OPTIONS" => Method::Options,
        _ => return None,
    };
    Some(method)
}

/// Whether the client asked for JSON rather than a page or an image.
pub fn wants_json(req: &Request) -> worker::Result<bool> {
    Ok(req
        .headers()
        .get("Accept")?
        .is_some_and(|accept| accept.contains("application/json")))
}

/// The error body every JSON error carries: `{"error":{"code","message"}}`,
/// plus `field` when one input is to blame.
pub fn error_body(code: &str, message: &str, field: Option<&str>) -> Value {
    match field {
        Some(field) => json!({ "error": { "code": code, "message": message, "field": field } }),
        None => json!({ "error": { "code": code, "message": message } }),
    }
}

/// A JSON error response with [`error_body`].
pub fn json_error(
    status: u16,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> worker::Result<Response> {
    Ok(Response::from_json(&error_body(code, message, field))?.with_status(status))
}

/// An HTML page with the security headers every page carries.
pub fn html_page(status: u16, body: String) -> worker::Result<Response> {
    let response = Response::from_html(body)?.with_status(status);
    let headers = response.headers();
    for (name, value) in html::SECURITY_HEADERS {
        headers.set(name, value)?;
    }
    Ok(response)
}
