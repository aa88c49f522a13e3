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

/** `label` names what is copied, for screen readers ("Copy short URL"). */
export function CopyButton({ text, label = "Copy", children = "Copy", class: cls = "secondary small" }) {
  const onClick = async () => {
    const ok = await copyText(text);
    toast(ok ? `Copied ${text}` : "Could not copy; select the text and copy it yourself.", ok ? "info" : "error");
  };
  return (
    <button type="button" class={cls} onClick={onClick} aria-label={label}>
      {children}
    </button>
  );
}
