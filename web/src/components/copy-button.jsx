// Copies a value to the clipboard in one click and says so.
import { toast } from "./toast.jsx";

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (e.g. an insecure origin): select-and-copy fallback.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/**
 * `label`, when given, names what is copied for screen readers; it must
 * start with the visible text ("Copy https://…" for a "Copy" button).
 */
export function CopyButton({ text, label, children = "Copy", class: cls = "secondary small" }) {
  const onClick = async () => {
    const ok = await copyText(text);
    // The toast never repeats what was copied: it may be a secret.
    toast(ok ? "Copied to the clipboard." : "Could not copy; select the text and copy it yourself.", ok ? "info" : "error");
  };
  return (
    <button type="button" class={cls} onClick={onClick} aria-label={label}>
      {children}
    </button>
  );
}
