// Sign in with email and password. Shown at /signin, and in place of any
// page that needs a session when there is none.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { post, setCsrfToken } from "../api.js";
import { useSession, signupEnabled } from "../session.js";
import { Field, FormError, useSubmit } from "../components/field.jsx";
import { useTitle } from "../lib/title.js";

export function SignIn() {
  const { setSession, ended } = useSession();
  const { path, query, route } = useLocation();
  const [form, setForm] = useState({ email: "", password: "" });
  const [canSignUp, setCanSignUp] = useState(false);
  useTitle("Sign in");

  useEffect(() => {
    signupEnabled().then(setCanSignUp);
  }, []);

  const { busy, errors, onSubmit } = useSubmit(
    async () => {
      const session = await post("/v1/auth/signin", form, { quiet401: true });
      setCsrfToken(session.csrfToken);
      setSession(session);
      // From /signin go home (or back where the person was sent from); on any
      // other page the page itself now renders.
      if (path === "/signin") route(safeNext(query.next), true);
    },
    ["email", "password"],
    messageOf,
  );

  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  return (
    <section class="narrow">
      <h1>Sign in to SmartLinks</h1>
      {ended && (
        <div class="alert" role="alert">
          {ended}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate>
        <FormError error={errors.form} />
        <Field id="signin-email" label="Email" error={errors.email}>
          <input type="email" name="email" autocomplete="username" required value={form.email} onInput={set("email")} />
        </Field>
        <Field id="signin-password" label="Password" error={errors.password}>
          <input type="password" name="password" autocomplete="current-password" required value={form.password} onInput={set("password")} />
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {canSignUp && (
        <p>
          New here? <a href="/signup">Create an account</a>.
        </p>
      )}
    </section>
  );
}

/** A refused sign-in in words; too many failures say how long to wait. */
function messageOf(err) {
  if (err.status === 429) {
    const wait = err.retryAfter ? ` Try again in ${err.retryAfter} second${err.retryAfter === 1 ? "" : "s"}.` : "";
    return `Too many failed sign-ins.${wait}`;
  }
  return err.message;
}

/** Only same-dashboard paths, so a crafted ?next= cannot send anyone elsewhere. */
function safeNext(next) {
  return typeof next === "string" && /^\/(?!\/)/.test(next) && !next.startsWith("/\\") ? next : "/";
}
