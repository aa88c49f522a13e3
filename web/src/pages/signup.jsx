// Sign up: a new account with the person as its owner, or, with an
// invitation (?invite=…), membership of the account that invited them.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { get, post, seg, setCsrfToken } from "../api.js";
import { useSession, signupEnabled } from "../session.js";
import { Field, FormError, useSubmit } from "../components/field.jsx";
import { useTitle } from "../lib/title.js";

export function SignUp() {
  const { setSession } = useSession();
  const { query, route } = useLocation();
  const invite = query.invite;
  const [form, setForm] = useState({ email: "", password: "", accountName: "" });
  const [mode, setMode] = useState({ loading: true });
  useTitle("Sign up");

  useEffect(() => {
    if (invite) {
      get(`/v1/auth/invitations/${seg(invite)}`, { quiet401: true }).then(
        (inv) => {
          setMode({ invitation: inv });
          setForm((f) => ({ ...f, email: inv.email }));
        },
        (err) => setMode({ invalid: err.message }),
      );
    } else {
      signupEnabled().then((open) => setMode({ open }));
    }
  }, [invite]);

  const { busy, errors, onSubmit } = useSubmit(async () => {
    const body = invite
      ? { email: form.email, password: form.password, invitation: invite }
      : { email: form.email, password: form.password, ...(form.accountName.trim() ? { accountName: form.accountName.trim() } : {}) };
    const session = await post("/v1/auth/signup", body, { quiet401: true });
    setCsrfToken(session.csrfToken);
    setSession(session);
    route("/", true);
  }, ["email", "password", "accountName"]);

  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  if (mode.loading) return <p role="status">Loading…</p>;
  if (mode.invalid)
    return (
      <section class="narrow">
        <h1>Invitation not valid</h1>
        <p>{mode.invalid}</p>
        <p>
          Ask whoever invited you for a new invitation, or <a href="/signin">sign in</a>.
        </p>
      </section>
    );
  if (!invite && !mode.open)
    return (
      <section class="narrow">
        <h1>Sign-up is by invitation</h1>
        <p>This SmartLinks server does not take new sign-ups. Ask its operator or an account owner for an invitation.</p>
        <p>
          Already have an account? <a href="/signin">Sign in</a>.
        </p>
      </section>
    );

  return (
    <section class="narrow">
      <h1>{mode.invitation ? `Join ${mode.invitation.accountName}` : "Create your SmartLinks account"}</h1>
      {mode.invitation && (
        <p>
          You were invited as <strong>{mode.invitation.role}</strong>. Choose a password to accept.
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <FormError error={errors.form} />
        <Field id="signup-email" label="Email" error={errors.email}>
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={form.email}
            readOnly={!!mode.invitation}
            onInput={set("email")}
          />
        </Field>
        <Field id="signup-password" label="Password" error={errors.password} hint="At least 10 characters.">
          <input type="password" name="password" autocomplete="new-password" required minLength={10} value={form.password} onInput={set("password")} />
        </Field>
        {!mode.invitation && (
          <Field id="signup-account" label="Account name (optional)" error={errors.accountName} hint="Your team or company; you can have teammates join later.">
            <input type="text" name="accountName" autocomplete="organization" value={form.accountName} onInput={set("accountName")} />
          </Field>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : mode.invitation ? "Join" : "Sign up"}
        </button>
      </form>
      <p>
        Already have an account? <a href="/signin">Sign in</a>.
      </p>
    </section>
  );
}
