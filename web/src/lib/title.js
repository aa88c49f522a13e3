import { useEffect } from "preact/hooks";

/** Sets the document title for the page, so tabs and screen readers name it. */
export function useTitle(title) {
  useEffect(() => {
    document.title = title ? `${title} · SmartLinks` : "SmartLinks";
  }, [title]);
}
