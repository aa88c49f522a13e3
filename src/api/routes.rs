//! The route table: every method and path the API serves, who may call it,
//! and which endpoint answers. `openapi.json` documents exactly these
//! routes (a unit test compares the two).

use worker::Method;

use crate::core::apikey::Scope;

/// What answers a route, grouped by who may call it, so a handler that
/// needs an authenticated caller can only be reached with one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Public(Public),
    /// The dashboard's sign-up, sign-in and session: no key, each handles
    /// its own credentials.
    Auth(Auth),
    /// Needs the operator token (`ADMIN_TOKEN`).
    Operator(Operator),
    /// Needs an API key carrying the scope.
    Key(Scope, Keyed),
    /// Needs any valid API key.
    AnyKey(Keyed),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Public {
    Health,
    OpenApi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Config,
    SignUp,
    SignIn,
    SignOut,
    Session,
    Invitation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    ListAccounts,
    CreateAccount,
    GetAccount,
    UpdateAccount,
    Invite,
    DeleteAccount,
    ReissueKey,
    Reconcile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyed {
    ListLinks,
    CreateLink,
    GetLink,
    UpdateLink,
    DeleteLink,
    ListKeys,
    CreateKey,
    GetKey,
    RevokeKey,
    Account,
    Analytics,
    LinkQr,
    CreateQr,
    GetQrStyle,
    SaveQrStyle,
    ResetQrStyle,
    ListTags,
    ListMembers,
    UpdateMember,
    RemoveMember,
    ListInvitations,
    CreateInvitation,
    WithdrawInvitation,
}

pub struct Route {
    pub method: Method,
    /// `/`-separated; `{name}` matches one non-empty segment.
    pub path: &'static str,
    pub endpoint: Endpoint,
}

const fn route(method: Method, path: &'static str, endpoint: Endpoint) -> Route {
    Route {
        method,
        path,
        endpoint,
    }
}

use Endpoint::{AnyKey, Auth as Session, Key, Operator as Op, Public as Open};
use Method::{Delete, Get, Patch, Post, Put};
use Scope::{AnalyticsRead, KeysManage, LinksRead, LinksWrite, QrWrite};

pub const ROUTES: &[Route] = &[
    route(Get, "/health", Open(Public::Health)),
    route(Get, "/v1/openapi.json", Open(Public::OpenApi)),
    route(Get, "/v1/auth/config", Session(Auth::Config)),
    route(Post, "/v1/auth/signup", Session(Auth::SignUp)),
    route(Post, "/v1/auth/signin", Session(Auth::SignIn)),
    route(Post, "/v1/auth/signout", Session(Auth::SignOut)),
    route(Get, "/v1/auth/session", Session(Auth::Session)),
    route(
        Get,
        "/v1/auth/invitations/{token}",
        Session(Auth::Invitation),
    ),
    route(Get, "/v1/admin/accounts", Op(Operator::ListAccounts)),
    route(Post, "/v1/admin/accounts", Op(Operator::CreateAccount)),
    route(Get, "/v1/admin/accounts/{id}", Op(Operator::GetAccount)),
    route(
        Patch,
        "/v1/admin/accounts/{id}",
        Op(Operator::UpdateAccount),
    ),
    route(
        Post,
        "/v1/admin/accounts/{id}/invitations",
        Op(Operator::Invite),
    ),
    route(
        Delete,
        "/v1/admin/accounts/{id}",
        Op(Operator::DeleteAccount),
    ),
    route(
        Post,
        "/v1/admin/accounts/{id}/keys",
        Op(Operator::ReissueKey),
    ),
    // The reconciliation pass of KV against D1, on demand (it also runs on
    // the Cron Trigger).
    route(Post, "/v1/admin/reconcile", Op(Operator::Reconcile)),
    route(Get, "/v1/links", Key(LinksRead, Keyed::ListLinks)),
    route(Post, "/v1/links", Key(LinksWrite, Keyed::CreateLink)),
    route(Get, "/v1/links/{idOrSlug}", Key(LinksRead, Keyed::GetLink)),
    route(
        Patch,
        "/v1/links/{idOrSlug}",
        Key(LinksWrite, Keyed::UpdateLink),
    ),
    route(
        Delete,
        "/v1/links/{idOrSlug}",
        Key(LinksWrite, Keyed::DeleteLink),
    ),
    route(Get, "/v1/api-keys", Key(KeysManage, Keyed::ListKeys)),
    route(Post, "/v1/api-keys", Key(KeysManage, Keyed::CreateKey)),
    route(Get, "/v1/api-keys/{id}", Key(KeysManage, Keyed::GetKey)),
    route(
        Delete,
        "/v1/api-keys/{id}",
        Key(KeysManage, Keyed::RevokeKey),
    ),
    // Any key may read its own account: plan, limits, usage.
    route(Get, "/v1/account", AnyKey(Keyed::Account)),
    // The SMO1 path and the SmartLinks path (which takes a slug too).
    route(
        Get,
        "/v1/links/{idOrSlug}/analytics",
        Key(AnalyticsRead, Keyed::Analytics),
    ),
    route(
        Get,
        "/v1/analytics/{idOrSlug}",
        Key(AnalyticsRead, Keyed::Analytics),
    ),
    // A link's QR code shows only its short URL, which a reader already sees.
    route(
        Get,
        "/v1/links/{idOrSlug}/qr",
        Key(LinksRead, Keyed::LinkQr),
    ),
    route(Post, "/v1/qr-codes", Key(QrWrite, Keyed::CreateQr)),
    // The style the public /{slug}/qr renders.
    route(
        Get,
        "/v1/links/{idOrSlug}/qr-style",
        Key(LinksRead, Keyed::GetQrStyle),
    ),
    route(
        Put,
        "/v1/links/{idOrSlug}/qr-style",
        Key(LinksWrite, Keyed::SaveQrStyle),
    ),
    route(
        Delete,
        "/v1/links/{idOrSlug}/qr-style",
        Key(LinksWrite, Keyed::ResetQrStyle),
    ),
    route(Get, "/v1/tags", Key(LinksRead, Keyed::ListTags)),
    // Anyone in the account may see who else is; `keys:manage` (owners, for
    // the dashboard's sessions) manages people as it manages keys.
    route(Get, "/v1/members", AnyKey(Keyed::ListMembers)),
    route(
        Patch,
        "/v1/members/{id}",
        Key(KeysManage, Keyed::UpdateMember),
    ),
    route(
        Delete,
        "/v1/members/{id}",
        Key(KeysManage, Keyed::RemoveMember),
    ),
    route(
        Get,
        "/v1/invitations",
        Key(KeysManage, Keyed::ListInvitations),
    ),
    route(
        Post,
        "/v1/invitations",
        Key(KeysManage, Keyed::CreateInvitation),
    ),
    route(
        Delete,
        "/v1/invitations/{id}",
        Key(KeysManage, Keyed::WithdrawInvitation),
    ),
];

/// The outcome of looking a request up in [`ROUTES`].
pub enum Lookup<'p> {
    /// The route and its path parameters, in order.
    Found(&'static Route, Vec<&'p str>),
    /// The path exists, with these methods only (for `Allow`).
    WrongMethod(String),
    NotFound,
}

/// Finds the route for a request. `HEAD` is answered as `GET`.
pub fn lookup<'p>(method: &Method, path: &'p str) -> Lookup<'p> {
    let method = if *method == Method::Head {
        &Get
    } else {
        method
    };
    let found = ROUTES
        .iter()
        .filter(|route| route.method == *method)
        .find_map(|route| params(route.path, path).map(|p| (route, p)));
    match (found, allowed(path)) {
        (Some((route, params)), _) => Lookup::Found(route, params),
        (None, Some(allow)) => Lookup::WrongMethod(allow),
        (None, None) => Lookup::NotFound,
    }
}

/// The methods served on `path`, for `Allow`; `None` when there are none.
pub fn allowed(path: &str) -> Option<String> {
    let mut methods: Vec<&str> = Vec::new();
    for route in ROUTES
        .iter()
        .filter(|route| params(route.path, path).is_some())
    {
        methods.push(route.method.as_ref());
        // HEAD is answered wherever GET is.
        if route.method == Get {
            methods.push("HEAD");
        }
    }
    (!methods.is_empty()).then(|| methods.join(", "))
}

/// The values of `pattern`'s `{…}` segments in `path`, if it matches.
fn params<'p>(pattern: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut values = Vec::new();
    let mut path_segments = path.split('/');
    for expected in pattern.split('/') {
        let actual = path_segments.next()?;
        if expected.starts_with('{') {
            if actual.is_empty() {
                return None;
            }
            values.push(actual);
        } else if expected != actual {
            return None;
        }
    }
    path_segments.next().is_none().then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(method: Method, path: &str) -> Option<(Endpoint, Vec<String>)> {
        match lookup(&method, path) {
            Lookup::Found(route, params) => Some((
                route.endpoint,
                params.into_iter().map(String::from).collect(),
            )),
            _ => None,
        }
    }

    #[test]
    fn finds_routes_and_their_parameters() {
        assert_eq!(
            found(Get, "/v1/links"),
            Some((Key(LinksRead, Keyed::ListLinks), vec![]))
        );
        assert_eq!(
            found(Patch, "/v1/links/abc"),
            Some((Key(LinksWrite, Keyed::UpdateLink), vec!["abc".into()]))
        );
        assert_eq!(
            found(Method::Head, "/health"),
            Some((Open(Public::Health), vec![]))
        );
    }

    #[test]
    fn a_known_path_with_another_method_lists_the_allowed_ones() {
        match lookup(&Method::Put, "/v1/links") {
            Lookup::WrongMethod(allow) => assert_eq!(allow, "GET, HEAD, POST"),
            _ => panic!("expected WrongMethod"),
        }
    }

    #[test]
    fn extra_or_empty_segments_do_not_match() {
        for path in ["/v1/links/", "/v1/links/a/b", "/v1/link", "/v1", "/"] {
            assert!(matches!(lookup(&Get, path), Lookup::NotFound), "{path}");
        }
    }

    /// openapi.json documents exactly the routes this table serves.
    #[test]
    fn openapi_documents_exactly_the_route_table() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../openapi.json")).unwrap();
        let mut documented: Vec<String> = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for method in ["get", "post", "put", "patch", "delete"] {
                if item.get(method).is_some() && (path.starts_with("/v1") || path == "/health") {
                    documented.push(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        let mut served: Vec<String> = ROUTES
            .iter()
            .map(|r| format!("{} {}", r.method.as_ref(), r.path))
            .collect();
        documented.sort();
        served.sort();
        assert_eq!(served, documented);
    }
}
