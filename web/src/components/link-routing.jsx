// The link editor's smart-routing options: geo targets (country → URL), an
// A/B test (2 to 4 destinations with percentages adding up to 100) and the
// social preview link-unfurling bots are shown. The worker validates them;
// its errors name `geo.XX`, `testVariants[i].url` or `og.title`.
import { Field } from "./field.jsx";

const MAX_GEO = 50;
const MAX_VARIANTS = 4;

/** Form rows from a link (or a new one's empty rows). */
export function routingForm(link) {
  return {
    geo: Object.entries(link?.geo ?? {}).map(([country, url]) => ({ country, url })),
    variants: (link?.testVariants ?? []).map((v) => ({ url: v.url, percentage: String(v.percentage) })),
    og: { title: link?.og?.title ?? "", description: link?.og?.description ?? "", image: link?.og?.image ?? "" },
  };
}

/** The API's `geo`, `testVariants` and `og` from the rows; null where none. */
export function routingBody(form) {
  const geoRows = form.geo.filter((r) => r.country.trim() || r.url.trim());
  const variantRows = form.variants.filter((r) => r.url.trim() || r.percentage.trim());
  const og = form.og.title.trim()
    ? {
        title: form.og.title.trim(),
        description: form.og.description.trim() || null,
        image: form.og.image.trim() || null,
      }
    : null;
  return {
    geo: geoRows.length ? Object.fromEntries(geoRows.map((r) => [r.country.trim().toUpperCase(), r.url.trim()])) : null,
    testVariants: variantRows.length
      ? variantRows.map((r) => ({ url: r.url.trim(), percentage: Number(r.percentage) }))
      : null,
    og,
  };
}

/** Which group of these an API error's field belongs to, if any. */
export function routingGroup(field) {
  if (/^geo(\.|$)/.test(field)) return "geo";
  if (/^(testVariants|test_variants)(\[|$)/.test(field)) return "testVariants";
  if (/^og\.(title|description|image)$/.test(field)) return field;
  if (field === "og") return "og.title";
  return null;
}

export function RoutingFields({ form, setForm, errors }) {
  const setRow = (list, i, key) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [list]: f[list].map((row, j) => (j === i ? { ...row, [key]: value } : row)) }));
  };
  const addRow = (list, row) => setForm((f) => ({ ...f, [list]: [...f[list], row] }));
  const removeRow = (list, i) => setForm((f) => ({ ...f, [list]: f[list].filter((_, j) => j !== i) }));
  const setOg = (key) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, og: { ...f.og, [key]: value } }));
  };
  const total = form.variants.reduce((sum, r) => sum + (Number(r.percentage) || 0), 0);

  return (
    <>
      <fieldset id="link-geo" tabIndex={-1} aria-describedby={errors.geo ? "link-geo-error" : "link-geo-hint"}>
        <legend>Geo targets</legend>
        <p class="hint" id="link-geo-hint">
          Visitors from a country go to its URL (after the device targets). Two-letter country codes, such as DE or JP.
        </p>
        {form.geo.map((row, i) => (
          <div class="row-fields" key={i}>
            <Field id={`link-geo-country-${i}`} label={`Country ${i + 1}`}>
              <input type="text" maxLength={2} autocomplete="off" spellcheck={false} value={row.country} onInput={setRow("geo", i, "country")} />
            </Field>
            <Field id={`link-geo-url-${i}`} label={`Destination for country ${i + 1}`} class="grow">
              <input type="url" value={row.url} onInput={setRow("geo", i, "url")} />
            </Field>
            <button type="button" class="secondary small" onClick={() => removeRow("geo", i)} aria-label={`Remove country ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        {errors.geo && (
          <p class="error" id="link-geo-error">
            {errors.geo}
          </p>
        )}
        {form.geo.length < MAX_GEO && (
          <button type="button" class="secondary small" onClick={() => addRow("geo", { country: "", url: "" })}>
            Add a country
          </button>
        )}
      </fieldset>

      <fieldset id="link-testVariants" tabIndex={-1} aria-describedby={errors.testVariants ? "link-testVariants-error" : "link-variants-hint"}>
        <legend>A/B test</legend>
        <p class="hint" id="link-variants-hint">
          2 to 4 destinations whose percentages add up to 100; each visitor keeps the one they got.
          {form.variants.length > 0 && ` Now ${total}%.`}
        </p>
        {form.variants.map((row, i) => (
          <div class="row-fields" key={i}>
            <Field id={`link-variant-url-${i}`} label={`Variant ${i + 1} URL`} class="grow">
              <input type="url" value={row.url} onInput={setRow("variants", i, "url")} />
            </Field>
            <Field id={`link-variant-pct-${i}`} label="Percent">
              <input type="number" min="1" max="99" step="1" inputMode="numeric" value={row.percentage} onInput={setRow("variants", i, "percentage")} />
            </Field>
            <button type="button" class="secondary small" onClick={() => removeRow("variants", i)} aria-label={`Remove variant ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        {errors.testVariants && (
          <p class="error" id="link-testVariants-error">
            {errors.testVariants}
          </p>
        )}
        {form.variants.length < MAX_VARIANTS && (
          <button
            type="button"
            class="secondary small"
            onClick={() => {
              // A new test starts as two halves.
              if (form.variants.length === 0) setForm((f) => ({ ...f, variants: [{ url: "", percentage: "50" }, { url: "", percentage: "50" }] }));
              else addRow("variants", { url: "", percentage: "" });
            }}
          >
            {form.variants.length === 0 ? "Start an A/B test" : "Add a variant"}
          </button>
        )}
      </fieldset>

      <fieldset>
        <legend>Social preview</legend>
        <p class="hint">What link previews in chats and social networks show. Without a title, they follow the redirect like anyone.</p>
        <Field id="link-og.title" label="Preview title" error={errors["og.title"]}>
          <input type="text" maxLength={200} value={form.og.title} onInput={setOg("title")} />
        </Field>
        <Field id="link-og.description" label="Preview description" error={errors["og.description"]}>
          <textarea rows={2} maxLength={500} value={form.og.description} onInput={setOg("description")} />
        </Field>
        <Field id="link-og.image" label="Preview image (https URL)" error={errors["og.image"]}>
          <input type="url" value={form.og.image} onInput={setOg("image")} />
        </Field>
      </fieldset>
    </>
  );
}
