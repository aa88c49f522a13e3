// The QR designer: a live preview rendered by the worker (POST /v1/qr-codes),
// colours with a contrast warning, a logo uploaded or by URL, size, margin
// and error correction; downloads as SVG or PNG; the style saved on the link
// (PUT /v1/links/{id}/qr-style), so the public /{slug}/qr shows it.
import { useEffect, useRef, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { get, post, put, del, request, seg } from "../api.js";
import { Field, FormError } from "../components/field.jsx";
import { LinkHead, LinkLoading, useLink } from "../components/link-head.jsx";
import { toast } from "../components/toast.jsx";
import { contrastOf } from "../lib/contrast.js";
import { downloadBlob } from "../lib/download.js";
import { useDebounced } from "../lib/debounce.js";
import { useTitle } from "../lib/title.js";

const DEFAULTS = { dotsColor: "#000000", backgroundColor: "#ffffff", size: 512, margin: 4, errorCorrection: "M" };
const LEVELS = [
  ["L", "L: 7% can be covered"],
  ["M", "M: 15%"],
  ["Q", "Q: 25%"],
  ["H", "H: 30% (best with a logo)"],
];
// Inline logos travel in the 64 KiB request body as base64 (4/3 larger).
const MAX_LOGO_BYTES = 44 * 1024;

export function QrDesigner() {
  const { params } = useRoute();
  const { link, error } = useLink(params.id);
  useTitle(link ? `QR code for ${link.slug}` : "QR code");
  if (!link) return <LinkLoading error={error} />;
  return <Designer key={link.id} link={link} />;
}

/** The saved style as the form's values; `logo` says what to do with the logo. */
function formOf(style) {
  return {
    dotsColor: style?.dotsColor ?? DEFAULTS.dotsColor,
    backgroundColor: style?.backgroundColor ?? DEFAULTS.backgroundColor,
    size: style?.size ?? DEFAULTS.size,
    margin: style?.margin ?? DEFAULTS.margin,
    errorCorrection: style?.errorCorrection ?? DEFAULTS.errorCorrection,
    logoMode: style?.logo ? "saved" : "none",
    logoUrl: "",
    logoData: "",
    logoName: "",
  };
}

/** The logo to send with a render or a save: a URL, a data: URL, or nothing. */
function logoOf(form) {
  if (form.logoMode === "url") return form.logoUrl.trim() || undefined;
  if (form.logoMode === "upload") return form.logoData || undefined;
  return undefined;
}

function Designer({ link }) {
  const [saved, setSaved] = useState({ loading: true });
  const [form, setForm] = useState(formOf(null));
  const [errors, setErrors] = useState({});
  const [preview, setPreview] = useState({ src: null, error: null });
  const [busy, setBusy] = useState(false);
  const fileRef = useRef(null);

  useEffect(() => {
    get(`/v1/links/${seg(link.id)}/qr-style`).then(
      (style) => {
        setSaved({ style });
        setForm(formOf(style));
      },
      (err) => setSaved({ unavailable: err.status === 404 || err.status === 405, error: err }),
    );
  }, [link.id]);

  const options = (format, size) => {
    const logo = logoOf(form);
    return {
      linkId: link.id,
      format,
      size,
      margin: Number(form.margin),
      errorCorrection: form.errorCorrection,
      style: { dotsColor: form.dotsColor, backgroundColor: form.backgroundColor, ...(logo ? { logo } : {}) },
    };
  };

  // The preview is drawn by the worker, so it is exactly what a download gives.
  const settled = useDebounced(JSON.stringify(options("svg", 256)), 300);
  useEffect(() => {
    const abort = new AbortController();
    post("/v1/qr-codes", JSON.parse(settled), { signal: abort.signal }).then(
      (qr) => setPreview({ src: qr.dataUrl, error: null }),
      (err) => err.name !== "AbortError" && setPreview((p) => ({ src: p.src, error: err })),
    );
    return () => abort.abort();
  }, [settled]);

  const set = (name) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [name]: value }));
  };

  const onFile = (e) => {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    if (file.size > MAX_LOGO_BYTES) {
      setErrors({ logo: `That file is ${Math.round(file.size / 1024)} KiB; upload a logo of at most ${MAX_LOGO_BYTES / 1024} KiB, or give its URL instead.` });
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      setErrors({});
      setForm((f) => ({ ...f, logoMode: "upload", logoData: String(reader.result), logoName: file.name, errorCorrection: "H" }));
    };
    reader.readAsDataURL(file);
  };

  const dirty = saved.style ? JSON.stringify(formOf(saved.style)) !== JSON.stringify(form) : true;

  const download = async (format) => {
    setBusy(true);
    try {
      // With the saved style (and its stored logo) unchanged, download what
      // visitors get from the public /{slug}/qr; otherwise render the form.
      const res =
        !dirty && saved.style?.logo
          ? await fetch(`/${seg(link.slug)}/qr?format=${format}`).then((r) => {
              if (!r.ok) throw new Error(`The server answered ${r.status}`);
              return r;
            })
          : await request("POST", "/v1/qr-codes", { body: options(format, Number(form.size)), accept: format === "png" ? "image/png" : "image/svg+xml" });
      downloadBlob(await res.blob(), `${link.slug}-qr.${format}`);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const showError = (err) => {
    const name = err.field?.replace(/^style\./, "");
    const known = ["dotsColor", "backgroundColor", "size", "margin", "errorCorrection", "logo", "style"];
    setErrors(known.includes(name) ? { [name === "style" ? "dotsColor" : name]: err.message } : { form: err.message });
  };

  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const body = {
      dotsColor: form.dotsColor,
      backgroundColor: form.backgroundColor,
      size: Number(form.size),
      margin: Number(form.margin),
      errorCorrection: form.errorCorrection,
    };
    const logo = logoOf(form);
    if (logo) body.logo = logo;
    else if (form.logoMode === "none" && saved.style?.logo) body.logo = null;
    try {
      const style = await put(`/v1/links/${seg(link.id)}/qr-style`, body);
      setSaved({ style });
      setForm(formOf(style));
      toast("QR style saved. The public QR code shows it now.");
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    setBusy(true);
    try {
      const style = await del(`/v1/links/${seg(link.id)}/qr-style`);
      setSaved({ style });
      setForm(formOf(style));
      toast("QR style reset to the defaults.");
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const contrast = contrastOf(form.dotsColor, form.backgroundColor);
  const contrastNote = !contrast
    ? null
    : !contrast.darkOnLight
      ? { level: "error", text: "The dots are lighter than the background: many phones cannot scan inverted codes, and the server refuses them." }
      : contrast.ratio < 3
        ? { level: "error", text: `Contrast ${contrast.ratio.toFixed(1)}:1 is too low to scan reliably; the server needs at least 3:1.` }
        : contrast.ratio < 4.5
          ? { level: "warn", text: `Contrast ${contrast.ratio.toFixed(1)}:1: scans may fail in poor light. 4.5:1 or more is safer.` }
          : { level: "ok", text: `Contrast ${contrast.ratio.toFixed(1)}:1: good.` };

  return (
    <section>
      <LinkHead link={link} current="qr" title="QR code" />
      {saved.loading ? (
        <p role="status" class="muted">
          Loading the saved style…
        </p>
      ) : (
      <div class="designer">
        <form class="qr-form" onSubmit={save} noValidate>
          <FormError error={errors.form} />
          <fieldset>
            <legend>Colours</legend>
            <ColorField id="qr-dots" label="Dots" value={form.dotsColor} onValue={(v) => setForm((f) => ({ ...f, dotsColor: v }))} error={errors.dotsColor} />
            <ColorField
              id="qr-background"
              label="Background"
              value={form.backgroundColor}
              onValue={(v) => setForm((f) => ({ ...f, backgroundColor: v }))}
              error={errors.backgroundColor}
            />
            {contrastNote && (
              <p class={`contrast ${contrastNote.level}`} id="qr-contrast" role={contrastNote.level === "ok" ? undefined : "alert"}>
                {contrastNote.text}
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend>Logo</legend>
            <div class="radios" role="radiogroup" aria-label="Logo">
              {[
                ["none", "No logo"],
                ...(saved.style?.logo ? [["saved", `Keep the saved logo (${logoSize(saved.style.logo)})`]] : []),
                ["upload", "Upload an image"],
                ["url", "Image URL"],
              ].map(([value, label]) => (
                <label key={value} class="radio">
                  <input type="radio" name="logoMode" value={value} checked={form.logoMode === value} onChange={set("logoMode")} />
                  {label}
                </label>
              ))}
            </div>
            {form.logoMode === "upload" && (
              <Field id="qr-logo-file" label="Logo file (PNG, JPEG or SVG)" error={errors.logo} hint={form.logoName ? `Chosen: ${form.logoName}` : `At most ${MAX_LOGO_BYTES / 1024} KiB.`}>
                <input ref={fileRef} type="file" accept="image/png,image/jpeg,image/svg+xml" onChange={onFile} />
              </Field>
            )}
            {form.logoMode === "url" && (
              <Field id="qr-logo-url" label="Logo URL (https)" error={errors.logo} hint="Fetched by the server once, when you save.">
                <input type="url" placeholder="https://example.com/logo.png" value={form.logoUrl} onInput={set("logoUrl")} />
              </Field>
            )}
          </fieldset>
          <fieldset>
            <legend>Size and error correction</legend>
            <Field id="qr-size" label="Size (pixels)" error={errors.size} hint="64 to 2048; PNG downloads are exactly this size.">
              <input type="number" min="64" max="2048" step="1" value={form.size} onInput={set("size")} />
            </Field>
            <Field id="qr-margin" label="Margin (modules)" error={errors.margin} hint="0 to 16; 4 is the standard quiet zone.">
              <input type="number" min="0" max="16" step="1" value={form.margin} onInput={set("margin")} />
            </Field>
            <Field id="qr-ec" label="Error correction" error={errors.errorCorrection}>
              <select value={form.errorCorrection} onChange={set("errorCorrection")}>
                {LEVELS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
          </fieldset>
          <div class="actions">
            <button type="submit" disabled={busy || saved.unavailable}>
              Save style
            </button>
            {saved.style?.updatedAt && (
              <button type="button" class="secondary" disabled={busy} onClick={reset}>
                Reset to defaults
              </button>
            )}
          </div>
          {saved.unavailable && <p class="hint">This server cannot save QR styles yet; downloads still work.</p>}
        </form>
        <div class="qr-preview">
          <h2>Preview</h2>
          <div class="qr-frame">
            {preview.src ? <img src={preview.src} alt={`QR code for ${link.shortUrl}`} width="256" height="256" /> : <p class="muted">Rendering…</p>}
          </div>
          {preview.error && (
            <p class="error" role="alert">
              {preview.error.message}
            </p>
          )}
          {form.logoMode === "saved" && dirty && <p class="hint">The preview leaves out the saved logo until you save.</p>}
          <p class="hint">
            Scans open <code>{link.shortUrl}?qr=1</code> and count as QR scans in analytics.
          </p>
          <div class="actions">
            <button type="button" class="secondary" disabled={busy} onClick={() => download("svg")}>
              Download SVG
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => download("png")}>
              Download PNG
            </button>
          </div>
          <p class="hint">
            Public image: <a href={`/${link.slug}/qr`}>{`${link.shortUrl}/qr`}</a>
          </p>
        </div>
      </div>
      )}
    </section>
  );
}

/** "120×80 PNG", or "SVG" for a vector logo. */
function logoSize(logo) {
  const kind = logo.contentType.replace("image/", "").replace("+xml", "").toUpperCase();
  return logo.width ? `${logo.width}×${logo.height} ${kind}` : kind;
}

function ColorField({ id, label, value, onValue, error }) {
  const picker = /^#[0-9a-f]{6}$/i.test(value) ? value : /^#[0-9a-f]{8}$/i.test(value) ? value.slice(0, 7) : "#000000";
  return (
    <Field
      id={id}
      label={`${label} colour`}
      error={error}
      hint="#rgb, #rrggbb, or #rrggbbaa for transparency."
      before={<input type="color" aria-label={`${label} colour picker`} value={picker} onInput={(e) => onValue(e.currentTarget.value)} />}
    >
      <input type="text" spellcheck={false} autocomplete="off" value={value} onInput={(e) => onValue(e.currentTarget.value.trim())} />
    </Field>
  );
}
