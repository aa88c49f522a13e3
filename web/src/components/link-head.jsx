// The heading shared by a link's pages (edit, QR code, analytics): its short
// URL with a copy button, and tabs between the three.
import { useEffect, useState } from "preact/hooks";
import { get, seg } from "../api.js";
import { CopyButton } from "./copy-button.jsx";

/** `{link, error, setLink}` for the link with this id or slug. */
export function useLink(id) {
  const [state, setState] = useState({ link: null, error: null });
  useEffect(() => {
    if (!id) return;
    setState({ link: null, error: null });
    get(`/v1/links/${seg(id)}`).then(
      (link) => setState({ link, error: null }),
      (error) => setState({ link: null, error }),
    );
  }, [id]);
  return { ...state, setLink: (link) => setState({ link, error: null }) };
}

export function LinkHead({ link, current, title }) {
  const tabs = [
    ["edit", `/dashboard/links/${link.id}`, "Settings"],
    ["qr", `/dashboard/links/${link.id}/qr`, "QR code"],
    ["analytics", `/dashboard/links/${link.id}/analytics`, "Analytics"],
  ];
  return (
    <div class="link-head">
      <p class="crumbs">
        <a href="/">Links</a> / {link.slug}
      </p>
      <h1>{title}</h1>
      <div class="short big">
        <a href={link.shortUrl} target="_blank" rel="noopener noreferrer">
          {link.shortUrl}
        </a>
        <CopyButton text={link.shortUrl} children="Copy short URL" />
      </div>
      <nav aria-label="This link" class="tabs">
        {tabs.map(([key, href, label]) => (
          <a key={key} href={href} aria-current={current === key ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
    </div>
  );
}

/** What a link page shows while its link loads or when it cannot. */
export function LinkLoading({ error }) {
  if (error)
    return (
      <section>
        <h1>{error.status === 404 ? "Link not found" : "Could not load the link"}</h1>
        <p>{error.status === 404 ? "It may have been deleted." : error.message}</p>
        <p>
          <a href="/">Back to your links</a>
        </p>
      </section>
    );
  return (
    <p role="status" class="muted">
      Loading…
    </p>
  );
}
