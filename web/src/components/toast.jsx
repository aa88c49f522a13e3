// Short status messages ("Copied", "Link saved"), announced politely to
// screen readers and gone after a few seconds.
import { useEffect, useState } from "preact/hooks";

const listeners = new Set();
let next = 1;

/** Shows `message`; `kind` "error" is announced assertively. */
export function toast(message, kind = "info") {
  const item = { id: next++, message, kind };
  for (const listener of listeners) listener(item);
}

export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const add = (item) => {
      setItems((list) => [...list, item]);
      setTimeout(() => setItems((list) => list.filter((i) => i.id !== item.id)), 5000);
    };
    listeners.add(add);
    return () => listeners.delete(add);
  }, []);
  return (
    <div class="toasts">
      <div role="status" aria-live="polite">
        {items.filter((i) => i.kind !== "error").map((i) => (
          <p key={i.id} class="toast">{i.message}</p>
        ))}
      </div>
      <div role="alert" aria-live="assertive">
        {items.filter((i) => i.kind === "error").map((i) => (
          <p key={i.id} class="toast error">{i.message}</p>
        ))}
      </div>
    </div>
  );
}
