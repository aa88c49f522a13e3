// The dashboard's shell: session loading, the header and navigation, and the
// routes. Pages other than the two first screens (sign-in and the links
// table) load on demand, which keeps the first load of `/` small.
import { useEffect, useState, useCallback } from "preact/hooks";
import { LocationProvider, Router, Route, lazy, ErrorBoundary, useLocation } from "preact-iso";
import { setUnauthorizedHandler } from "./api.js";
import { SessionContext, useSession, loadSession, signOut, isOwner } from "./session.js";
import { Toasts, toast } from "./components/toast.jsx";
import { SignIn } from "./pages/signin.jsx";
import { Links } from "./pages/links.jsx";

const SignUp = lazy(() => import("./pages/signup.jsx").then((m) => m.SignUp));
const LinkEditor = lazy(() => import("./pages/link-editor.jsx").then((m) => m.LinkEditor));
const QrDesigner = lazy(() => import("./pages/qr-designer.jsx").then((m) => m.QrDesigner));
const Analytics = lazy(() => import("./pages/analytics.jsx").then((m) => m.Analytics));
const Settings = lazy(() => import("./pages/settings.jsx").then((m) => m.Settings));

/** The dashboard's own paths; other links (short URLs, /docs) are left to the browser. */
const DASHBOARD_PATHS = /^\/(?:$|\?|dashboard(?:[/?]|$)|sign(?:in|up)(?:\?|$))/;

export function App() {
  const [state, setState] = useState({ loading: true, session: null, ended: null, error: null });

  const setSession = useCallback((session) => setState({ loading: false, session, ended: null, error: null }), []);
  const clearSession = useCallback(() => {
    setState({ loading: false, session: null, ended: null, error: null });
  }, []);

  useEffect(() => {
    loadSession().then(setSession, (error) => setState({ loading: false, session: null, ended: null, error }));
    // A request answered 401 while signed in: the session expired or was revoked.
    setUnauthorizedHandler(() =>
      setState((s) =>
        s.session ? { loading: false, session: null, ended: "Your session has ended. Sign in again to continue.", error: null } : s,
      ),
    );
  }, []);

  return (
    <SessionContext.Provider value={{ ...state, setSession, clearSession }}>
      <LocationProvider scope={DASHBOARD_PATHS}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <Header />
        <main id="main" tabIndex={-1}>
          {state.loading ? (
            <p class="muted" role="status">
              Loading…
            </p>
          ) : state.error ? (
            <div class="alert" role="alert">
              <h1>SmartLinks is unreachable</h1>
              <p>{state.error.message}</p>
            </div>
          ) : (
            <ErrorBoundary>
              <Routes />
            </ErrorBoundary>
          )}
        </main>
        <Toasts />
      </LocationProvider>
    </SessionContext.Provider>
  );
}

/** Pages that need a session show the sign-in form in their place without one. */
function guarded(Page) {
  return function Guarded(props) {
    const { session } = useSession();
    return session ? <Page {...props} /> : <SignIn />;
  };
}

const Home = guarded(Links);
const GuardedEditor = guarded(LinkEditor);
const GuardedQr = guarded(QrDesigner);
const GuardedAnalytics = guarded(Analytics);
const GuardedSettings = guarded(Settings);

function Routes() {
  return (
    <Router onRouteChange={focusMain}>
      <Route path="/" component={Home} />
      <Route path="/signin" component={SignIn} />
      <Route path="/signup" component={SignUp} />
      <Route path="/dashboard" component={Home} />
      <Route path="/dashboard/links/new" component={GuardedEditor} />
      <Route path="/dashboard/links/:id" component={GuardedEditor} />
      <Route path="/dashboard/links/:id/qr" component={GuardedQr} />
      <Route path="/dashboard/links/:id/analytics" component={GuardedAnalytics} />
      <Route path="/dashboard/settings" component={GuardedSettings} />
      <Route default component={NotFound} />
    </Router>
  );
}

/** After a client-side navigation, screen readers and keyboards start at the new page. */
function focusMain() {
  const main = document.getElementById("main");
  if (main && document.activeElement !== main) main.focus({ preventScroll: true });
  scrollTo(0, 0);
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no dashboard page here. <a href="/">Go to your links</a>.
      </p>
    </section>
  );
}

function Header() {
  const { session, clearSession } = useSession();
  const { path, route } = useLocation();
  const onLinks = path === "/" || path === "/dashboard" || path.startsWith("/dashboard/links");
  const onSettings = path.startsWith("/dashboard/settings");

  const doSignOut = async () => {
    try {
      await signOut();
    } catch {
      // Signed out here even if the server could not be told; the cookie expires anyway.
    }
    clearSession();
    route("/signin");
    toast("You are signed out.");
  };

  return (
    <header class="top">
      <a class="brand" href="/">
        <img src="/favicon.svg" alt="" width="24" height="24" />
        SmartLinks
      </a>
      <nav aria-label="Main">
        <ul>
          {session && (
            <li>
              <a href="/" aria-current={onLinks ? "page" : undefined}>
                Links
              </a>
            </li>
          )}
          {session && (
            <li>
              <a href="/dashboard/settings" aria-current={onSettings ? "page" : undefined}>
                Settings
              </a>
            </li>
          )}
          <li>
            <a href="/docs">API docs</a>
          </li>
        </ul>
      </nav>
      {session && (
        <div class="who">
          <span class="email" title={`${session.account.name} · ${session.member.role}`}>
            {session.member.email}
            {isOwner(session) ? "" : " (member)"}
          </span>
          <button type="button" class="secondary small" onClick={doSignOut}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
