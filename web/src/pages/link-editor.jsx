// Create or edit a link with every option POST/PATCH /v1/links takes
// (device, geo and A/B routing, social preview, expiry, click cap, password,
// redirect type, query forwarding, UTM, tags, metadata). The worker
// validates; its error's `field` is shown next to that input.
import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { post, patch, del, seg } from "../api.js";
import { Field, FormError } from "../components/field.jsx";
import { ConfirmDialog } from "../components/confirm.jsx";
import { LinkHead, LinkLoading, useLink } from "../components/link-head.jsx";
import { toast } from "../components/toast.jsx";
import { RoutingFields, routingBody, routingForm, routingGroup } from "../components/link-routing.jsx";
import { UTM_KEYS, withUtm } from "../lib/utm.js";
import { toLocalInput, fromLocalInput } from "../lib/datetime.js";
import { useTitle } from "../lib/title.js";

const REDIRECT_TYPES = [
  [302, "302 Found (default, every click counted)"],
  [307, "307 Temporary Redirect (keeps the method)"],
  [301, "301 Moved Permanently (cached by browsers)"],
  [308, "308 Permanent Redirect (cached by browsers)"],
];

/** The form's fields from a link (or the defaults of a new one). */
function formOf(link) {
  return {
    url: link?.url ?? "",
    slug: link?.slug ?? "",
    title: link?.title ?? "",
    tags: (link?.tags ?? []).join(", "),
    ios: link?.ios ?? "",
    android: link?.android ?? "",
    expiresAt: toLocalInput(link?.expiresAt),
    expiredUrl: link?.expiredUrl ?? "",
    maxClicks: link?.maxClicks ? String(link.maxClicks) : "",
    password: "",
    removePassword: false,
    redirectType: link?.redirectType ?? 302,
    forwardQuery: link?.forwardQuery ?? true,
    disabled: link?.disabled ?? false,
    utm: Object.fromEntries(UTM_KEYS.map((k) => [k, link?.utm?.[k] ?? ""])),
    metadata: link?.metadata ? JSON.stringify(link.metadata, null, 2) : "",
    ...routingForm(link),
  };
}

const orNull = (text) => (text.trim() === "" ? null : text.trim());
const tagList = (text) =>
  text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * The request body: every field for a create; for an edit only what
 * changed (null clears an option). Throws {field, message} for input the
 * browser can tell is malformed before sending (metadata that is not JSON).
 */
function bodyOf(form, original) {
  let metadata = null;
  if (form.metadata.trim()) {
    try {
      metadata = JSON.parse(form.metadata);
    } catch (e) {
      throw { field: "metadata", message: `\`metadata\` is not valid JSON: ${e.message}` };
    }
  }
  const utmEntries = UTM_KEYS.filter((k) => form.utm[k].trim()).map((k) => [k, form.utm[k].trim()]);
  const full = {
    url: form.url.trim(),
    shortCode: orNull(form.slug),
    title: orNull(form.title),
    tags: tagList(form.tags),
    ios: orNull(form.ios),
    android: orNull(form.android),
    expiresAt: fromLocalInput(form.expiresAt),
    expiredUrl: orNull(form.expiredUrl),
    maxClicks: form.maxClicks.trim() === "" ? null : Number(form.maxClicks),
    redirectType: Number(form.redirectType),
    forwardQuery: form.forwardQuery,
    utm: utmEntries.length ? Object.fromEntries(utmEntries) : null,
    ...routingBody(form),
    metadata,
  };
  if (!original) {
    const body = Object.fromEntries(Object.entries(full).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
    if (form.password) body.password = form.password;
    if (form.disabled) body.disabled = true;
    if (body.redirectType === 302) delete body.redirectType;
    if (body.forwardQuery === true) delete body.forwardQuery;
    return body;
  }
  const before = bodyOf(formOf(original), null);
  const was = { ...Object.fromEntries(Object.keys(full).map((k) => [k, null])), tags: [], redirectType: 302, forwardQuery: true, ...before };
  const changes = {};
  for (const [key, value] of Object.entries(full)) {
    if (JSON.stringify(value) !== JSON.stringify(was[key])) changes[key] = value;
  }
  // A slug is renamed, never cleared.
  if (changes.shortCode === null) delete changes.shortCode;
  if (form.removePassword) changes.password = null;
  else if (form.password) changes.password = form.password;
  if (form.disabled !== original.disabled) changes.disabled = form.disabled;
  return changes;
}

/** The input an API error's `field` belongs to ("tags[2]" → tags, "utm.source" stays). */
function inputOf(field) {
  if (!field) return null;
  const group = routingGroup(field);
  if (group) return group;
  const name = field.replace(/\[\d+\]$/, "");
  const aliases = {
    slug: "slug", shortCode: "slug", expires_at: "expiresAt", expired_url: "expiredUrl", max_clicks: "maxClicks",
    redirect_type: "redirectType", forward_query: "forwardQuery",
  };
  return aliases[name] ?? name;
}

export function LinkEditor() {
  const { params } = useRoute();
  const editing = params.id !== undefined;
  const { link, error, setLink } = useLink(params.id);
  if (editing && !link) return <LinkLoading error={error} />;
  return <LinkForm key={link?.id ?? "new"} link={link} onSaved={setLink} />;
}

function LinkForm({ link, onSaved }) {
  const { route } = useLocation();
  const [form, setForm] = useState(() => formOf(link));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  useTitle(link ? `Edit ${link.slug}` : "New link");

  useEffect(() => setForm(formOf(link)), [link]);

  const set = (name) => (e) => {
    const input = e.currentTarget;
    setForm((f) => ({ ...f, [name]: input.type === "checkbox" ? input.checked : input.value }));
  };
  const setUtm = (key) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, utm: { ...f.utm, [key]: value } }));
  };

  const onSubmit = async (e) => {
    e.preventDefault();
    setErrors({});
    let body;
    try {
      body = bodyOf(form, link);
    } catch (invalid) {
      setErrors({ [invalid.field]: invalid.message });
      return;
    }
    if (link && Object.keys(body).length === 0) {
      toast("Nothing changed.");
      return;
    }
    setBusy(true);
    try {
      // An edit applies only to the version it was made from (409 if
      // someone else saved the link meanwhile: reload to see theirs).
      const saved = link
        ? await patch(`/v1/links/${seg(link.id)}`, { ...body, version: link.version })
        : await post("/v1/links", body);
      toast(link ? "Link saved." : `Created ${saved.shortUrl}`);
      if (link) onSaved(saved);
      else route(`/dashboard/links/${saved.id}`);
    } catch (err) {
      const input = inputOf(err.field);
      setErrors(input && document.getElementById(`link-${input}`) ? { [input]: err.message } : { form: err.message });
      const target = input && document.getElementById(`link-${input}`);
      if (target) target.focus();
    } finally {
      setBusy(false);
    }
  };

  const onDelete = async () => {
    setBusy(true);
    try {
      await del(`/v1/links/${seg(link.id)}`);
      toast(`Deleted ${link.shortUrl}`);
      route("/");
    } catch (err) {
      toast(err.message, "error");
      setBusy(false);
    }
  };

  const preview = withUtm(form.url.trim(), Object.fromEntries(UTM_KEYS.map((k) => [k, form.utm[k].trim()])));
  const err = (name) => errors[name];

  return (
    <section>
      {link ? <LinkHead link={link} current="edit" title="Link settings" /> : <h1>New link</h1>}
      <form class="link-form" onSubmit={onSubmit} noValidate>
        <FormError error={errors.form} />
        <fieldset>
          <legend>Destination</legend>
          <Field id="link-url" label="Destination URL" error={err("url")}>
            <input type="url" required placeholder="https://example.com/page" value={form.url} onInput={set("url")} />
          </Field>
          <Field id="link-slug" label="Slug" error={err("slug")} hint="Letters, digits, - and _. Leave empty for a random one.">
            <input type="text" autocomplete="off" spellcheck={false} value={form.slug} onInput={set("slug")} />
          </Field>
          <Field id="link-title" label="Title" error={err("title")}>
            <input type="text" value={form.title} onInput={set("title")} />
          </Field>
          <Field id="link-tags" label="Tags" error={err("tags")} hint="Comma-separated, up to 10.">
            <input type="text" autocomplete="off" value={form.tags} onInput={set("tags")} />
          </Field>
        </fieldset>

        <fieldset>
          <legend>Device targets</legend>
          <Field id="link-ios" label="iPhone and iPad destination" error={err("ios")}>
            <input type="url" placeholder="https://apps.apple.com/…" value={form.ios} onInput={set("ios")} />
          </Field>
          <Field id="link-android" label="Android destination" error={err("android")}>
            <input type="url" placeholder="https://play.google.com/…" value={form.android} onInput={set("android")} />
          </Field>
        </fieldset>

        <RoutingFields form={form} setForm={setForm} errors={errors} />

        <fieldset>
          <legend>Expiry and click cap</legend>
          <Field id="link-expiresAt" label="Expires at (your local time)" error={err("expiresAt")}>
            <input type="datetime-local" value={form.expiresAt} onInput={set("expiresAt")} />
          </Field>
          <Field id="link-maxClicks" label="Click cap" error={err("maxClicks")} hint="After this many human clicks the link behaves as expired.">
            <input type="number" min="1" step="1" inputMode="numeric" value={form.maxClicks} onInput={set("maxClicks")} />
          </Field>
          <Field id="link-expiredUrl" label="Fallback URL once expired" error={err("expiredUrl")} hint="Without one, an expired link answers 410 Gone.">
            <input type="url" value={form.expiredUrl} onInput={set("expiredUrl")} />
          </Field>
        </fieldset>

        <fieldset>
          <legend>Access</legend>
          {link?.hasPassword && (
            <div class="field check">
              <input id="link-removePassword" type="checkbox" checked={form.removePassword} onChange={set("removePassword")} />
              <label for="link-removePassword">Remove the password</label>
            </div>
          )}
          {!form.removePassword && (
            <Field
              id="link-password"
              label={link?.hasPassword ? "New password" : "Password"}
              error={err("password")}
              hint={link?.hasPassword ? "The link has a password. Leave empty to keep it." : "Visitors must enter it. Leave empty for none."}
            >
              <input type="password" autocomplete="new-password" value={form.password} onInput={set("password")} />
            </Field>
          )}
          <div class="field check">
            <input id="link-disabled" type="checkbox" checked={form.disabled} onChange={set("disabled")} />
            <label for="link-disabled">Disabled (answers 410 Gone, keeps settings and analytics)</label>
          </div>
        </fieldset>

        <fieldset>
          <legend>Redirect</legend>
          <Field
            id="link-redirectType"
            label="Redirect type"
            error={err("redirectType")}
            hint={Number(form.redirectType) === 301 || Number(form.redirectType) === 308 ? "Browsers cache this redirect, so repeat visits go uncounted." : undefined}
          >
            <select value={form.redirectType} onChange={set("redirectType")}>
              {REDIRECT_TYPES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <div class={"field check" + (err("forwardQuery") ? " invalid" : "")}>
            <input id="link-forwardQuery" type="checkbox" checked={form.forwardQuery} onChange={set("forwardQuery")} />
            <label for="link-forwardQuery">Forward the visitor's query string to the destination</label>
          </div>
        </fieldset>

        <fieldset>
          <legend>UTM parameters</legend>
          <div class="grid-2">
            {UTM_KEYS.map((key) => (
              <Field key={key} id={`link-utm.${key}`} label={`utm_${key}`} error={err(`utm.${key}`) ?? (key === "source" ? err("utm") : undefined)}>
                <input type="text" autocomplete="off" value={form.utm[key]} onInput={setUtm(key)} />
              </Field>
            ))}
          </div>
          <div class="preview" aria-live="polite">
            <span class="muted">Visitors go to:</span> <output id="link-final-url">{preview ?? "(enter a destination URL)"}</output>
          </div>
        </fieldset>

        <details open={!!form.metadata}>
          <summary>Metadata (JSON)</summary>
          <Field id="link-metadata" label="Metadata" error={err("metadata")} hint="A JSON object of at most 4 KiB, returned with the link; never shown to visitors.">
            <textarea rows={4} spellcheck={false} value={form.metadata} onInput={set("metadata")} />
          </Field>
        </details>

        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : link ? "Save changes" : "Create link"}
          </button>
          {link && (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              Delete link
            </button>
          )}
        </div>
      </form>
      {link && (
        <ConfirmDialog open={confirming} title="Delete this link?" confirmLabel="Delete link" busy={busy} onConfirm={onDelete} onCancel={() => setConfirming(false)}>
          <p>
            <strong>{link.shortUrl}</strong> will stop redirecting at once, and its analytics will be deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
