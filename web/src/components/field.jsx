// A labelled form field whose API error (the error body's `field`) appears
// under it and is tied to the input for screen readers.
import { cloneElement } from "preact";

/**
 * `id` names the input; `error` is the message for it, if any; `hint` is
 * help text. The single child is the input element.
 */
export function Field({ id, label, error, hint, children, class: cls }) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div class={"field" + (cls ? " " + cls : "") + (error ? " invalid" : "")}>
      <label for={id}>{label}</label>
      {cloneElement(children, { id, "aria-invalid": error ? "true" : undefined, "aria-describedby": described })}
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
