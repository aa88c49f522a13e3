//! HTTP pieces the API and the visitor pages share, so each rule is written
//! once: the method as the client sent it, whether the client wants JSON,
//! the JSON error body of DESIGN.md §4.4, HTML pages with their security
//! headers, and the redirect, built as the runtime's own response.

use serde_json::{json, Value};
use worker::js_sys::{Object, Reflect};
use worker::{web_sys, IntoResponse, Method, Request, Response};

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

/// What the fetch handler answers: a `worker::Response`, or a redirect built
/// directly as the runtime's `Response`.
///
/// A `worker::Response` keeps its headers in a `Headers` object of its own,
/// which the runtime copies into the `Response` it finally makes. The
/// redirect is the hot path: built from a plain object of headers, as a JS
/// worker would, it costs ~6% less CPU (docs/adr, "Fifth pass"), and leaves
/// fewer objects for the garbage collector, whose pauses stall the isolate.
pub enum Reply {
    Built(Response),
    Raw(web_sys::Response),
}

impl From<Response> for Reply {
    fn from(response: Response) -> Self {
        Reply::Built(response)
    }
}

impl IntoResponse for Reply {
    fn into_raw(
        self,
    ) -> std::result::Result<web_sys::Response, impl Into<Box<dyn std::error::Error>>> {
        Ok::<_, worker::Error>(match self {
            Reply::Built(response) => response.into(),
            Reply::Raw(response) => response,
        })
    }
}

/// A bodiless `status` response to `location`, with `headers` besides
/// `Location`.
pub fn redirect(status: u16, location: &str, headers: &[(&str, &str)]) -> worker::Result<Reply> {
    let fields = Object::new();
    Reflect::set(&fields, &"Location".into(), &location.into())?;
    for (name, value) in headers {
        Reflect::set(&fields, &(*name).into(), &(*value).into())?;
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&fields);
    Ok(Reply::Raw(web_sys::Response::new_with_opt_str_and_init(
        None, &init,
    )?))
}
