//! The request method as the client sent it.
//!
//! `worker::Request::method()` maps any method it does not know (`QUERY`,
//! `PROPFIND`, …) to `GET`, which would answer them as if they were GETs.

use worker::{Method, Request};

/// The method, or `None` for one the worker does not serve.
pub fn of(req: &Request) -> Option<Method> {
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
