// A labelled form field whose API error (the error body's `field`) appears
// under it and is tied to the input for screen readers.
import { cloneElement } from "preact";
import { useState } from "preact/hooks";

/**
 * `id` names the input; `error` is the message for it, if any; `hint` is
 * help text. The single child is the input element; `before`, if given,
 * sits beside it on its left (a colour picker next to its text field).
 */
export function Field({ id, label, error, hint, children, before, class: cls }) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const input = cloneElement(children, { id, "aria-invalid": error ? "true" : undefined, "aria-describedby": described });
  return (
    <div class={"field" + (cls ? " " + cls : "") + (error ? " invalid" : "")}>
      <label for={id}>{label}</label>
      {before ? (
        <div class="input-row">
          {before}
          {input}
        </div>
      ) : (
        input
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A form-level error for an API error that names no field on this form. */
export function FormError({ error }) {
  if (!error) return null;
  return (
    <div class="alert" role="alert">
      {error}
    </div>
  );
}

/**
 * A form's submit handler with its busy flag and errors: `action` runs on
 * submit; what it throws (an API error, or `{field, message}`) becomes the
 * errors, under the input it names when that is one of `fields`. `formError`
 * may word some errors for the whole form itself.
 */
export function useSubmit(action, fields, formError = (err) => err.message) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const onSubmit = async (e) => {
    e.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setErrors(fields.includes(err.field) ? { [err.field]: err.message } : { form: formError(err) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, onSubmit };
}
