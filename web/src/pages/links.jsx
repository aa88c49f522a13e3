// The links table: search, tag filter, sort and pagination, all done by
// GET /v1/links, with the view kept in the address so a reload keeps it.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { get, del, seg } from "../api.js";
import { CopyButton } from "../components/copy-button.jsx";
import { ConfirmDialog } from "../components/confirm.jsx";
import { toast } from "../components/toast.jsx";
import { formatDate, formatNumber, shortened } from "../lib/format.js";
import { useDebounced } from "../lib/debounce.js";
import { useTitle } from "../lib/title.js";

export const SORTS = [
  ["-createdAt", "Newest first"],
  ["createdAt", "Oldest first"],
  ["-clicks", "Most clicks"],
  ["clicks", "Fewest clicks"],
  ["slug", "Slug A–Z"],
  ["-slug", "Slug Z–A"],
  ["-updatedAt", "Recently changed"],
];
const PAGE_SIZES = [10, 20, 50, 100];

export function Links() {
  const { path, query, route } = useLocation();
  const view = {
    search: query.search ?? "",
    tag: query.tag ?? "",
    sort: SORTS.some(([v]) => v === query.sort) ? query.sort : "-createdAt",
    page: Math.max(1, Number(query.page) || 1),
    pageSize: PAGE_SIZES.includes(Number(query.pageSize)) ? Number(query.pageSize) : 20,
  };
  const [searchText, setSearchText] = useState(view.search);
  const search = useDebounced(searchText, 250);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [tags, setTags] = useState([]);
  const [reload, setReload] = useState(0);
  const [toDelete, setToDelete] = useState(null);
  const [deleting, setDeleting] = useState(false);
  useTitle("Links");

  const setView = (changes) => {
    const next = { ...view, ...changes };
    const params = new URLSearchParams();
    if (next.search) params.set("search", next.search);
    if (next.tag) params.set("tag", next.tag);
    if (next.sort !== "-createdAt") params.set("sort", next.sort);
    if (next.page > 1) params.set("page", String(next.page));
    if (next.pageSize !== 20) params.set("pageSize", String(next.pageSize));
    const qs = params.toString();
    route((path === "/dashboard" ? "/dashboard" : "/") + (qs ? "?" + qs : ""), true);
  };

  useEffect(() => {
    if (search !== view.search) setView({ search, page: 1 });
  }, [search]);

  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    get("/v1/links", {
      query: { page: view.page, pageSize: view.pageSize, search: view.search, tag: view.tag, sort: view.sort },
      signal: abort.signal,
    }).then(setData, (err) => err.name !== "AbortError" && setError(err));
    return () => abort.abort();
  }, [view.page, view.pageSize, view.search, view.tag, view.sort, reload]);

  useEffect(() => {
    get("/v1/tags").then((r) => setTags(r.tags), () => setTags([]));
  }, [reload]);

  const confirmDelete = async () => {
    setDeleting(true);
    try {
      await del(`/v1/links/${seg(toDelete.id)}`);
      toast(`Deleted ${toDelete.shortUrl}`);
      setToDelete(null);
      setReload((n) => n + 1);
    } catch (err) {
      toast(err.message, "error");
    } finally {
      setDeleting(false);
    }
  };

  const filtered = view.search || view.tag;
  return (
    <section>
      <div class="page-head">
        <h1>Links</h1>
        <a class="button" href="/dashboard/links/new">
          New link
        </a>
      </div>

      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="links-search">Search</label>
          <input id="links-search" type="search" placeholder="Title, URL or slug" value={searchText} onInput={(e) => setSearchText(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="links-tag">Tag</label>
          <select id="links-tag" value={view.tag} onChange={(e) => setView({ tag: e.currentTarget.value, page: 1 })}>
            <option value="">All tags</option>
            {tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                {t.tag} ({t.links})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="links-sort">Sort</label>
          <select id="links-sort" value={view.sort} onChange={(e) => setView({ sort: e.currentTarget.value, page: 1 })}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>

      {error && (
        <div class="alert" role="alert">
          {error.message}
        </div>
      )}
      {!data && !error && (
        <p role="status" class="muted">
          Loading links…
        </p>
      )}
      {data && data.links.length === 0 && (
        <div class="empty">
          {filtered ? (
            <p>No links match. Try another search or tag.</p>
          ) : (
            <>
              <p>No links yet.</p>
              <p>
                <a class="button" href="/dashboard/links/new">
                  Create your first link
                </a>
              </p>
            </>
          )}
        </div>
      )}
      {data && data.links.length > 0 && (
        <>
          <table class="links">
            <caption class="sr-only">
              Your links, {SORTS.find(([v]) => v === view.sort)[1].toLowerCase()}; page {data.page} of {Math.max(1, data.totalPages)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Short link</th>
                <th scope="col">Destination</th>
                <th scope="col" class="num">
                  Clicks
                </th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.links.map((link) => (
                <LinkRow key={link.id} link={link} onDelete={() => setToDelete(link)} onTag={(tag) => setView({ tag, page: 1 })} />
              ))}
            </tbody>
          </table>
          <Pager data={data} pageSize={view.pageSize} onPage={(page) => setView({ page })} onPageSize={(pageSize) => setView({ pageSize, page: 1 })} />
        </>
      )}

      <ConfirmDialog
        open={!!toDelete}
        title="Delete this link?"
        confirmLabel="Delete link"
        busy={deleting}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        {toDelete && (
          <p>
            <strong>{toDelete.shortUrl}</strong> will stop redirecting at once, and its analytics will be deleted. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function LinkRow({ link, onDelete, onTag }) {
  const state = link.disabled ? "disabled" : link.expiresAt && new Date(link.expiresAt) < new Date() ? "expired" : null;
  return (
    <tr>
      <td data-label="Short link">
        <div class="short">
          <a href={link.shortUrl} target="_blank" rel="noopener noreferrer">
            {link.shortUrl.replace(/^https?:\/\//, "")}
          </a>
          <CopyButton text={link.shortUrl} label={`Copy ${link.shortUrl}`} />
        </div>
        {link.title && <div class="title">{link.title}</div>}
        <div class="badges">
          {state && <span class="badge warn">{state}</span>}
          {link.hasPassword && <span class="badge">password</span>}
          {link.tags.map((tag) => (
            <button key={tag} type="button" class="badge tag" onClick={() => onTag(tag)} aria-label={`Show links tagged ${tag}`}>
              #{tag}
            </button>
          ))}
        </div>
      </td>
      <td data-label="Destination" class="dest">
        <span title={link.url}>{shortened(link.url)}</span>
      </td>
      <td data-label="Clicks" class="num">
        {formatNumber(link.clicks)}
      </td>
      <td data-label="Created">{formatDate(link.createdAt)}</td>
      <td class="row-actions">
        <a href={`/dashboard/links/${link.id}`} aria-label={`Edit ${link.slug}`}>
          Edit
        </a>
        <a href={`/dashboard/links/${link.id}/qr`} aria-label={`QR code for ${link.slug}`}>
          QR
        </a>
        <a href={`/dashboard/links/${link.id}/analytics`} aria-label={`Analytics for ${link.slug}`}>
          Analytics
        </a>
        <button type="button" class="link-button danger-text" onClick={onDelete} aria-label={`Delete ${link.slug}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}

function Pager({ data, pageSize, onPage, onPageSize }) {
  const pages = Math.max(1, data.totalPages);
  const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const last = Math.min(data.total, data.page * data.pageSize);
  return (
    <nav class="pager" aria-label="Pages">
      <p class="muted">
        {first}–{last} of {formatNumber(data.total)}
      </p>
      <div class="pager-buttons">
        <button type="button" class="secondary small" disabled={data.page <= 1} onClick={() => onPage(data.page - 1)}>
          Previous
        </button>
        <span aria-current="page">
          Page {data.page} of {pages}
        </span>
        <button type="button" class="secondary small" disabled={data.page >= pages} onClick={() => onPage(data.page + 1)}>
          Next
        </button>
      </div>
      <div class="field inline">
        <label for="links-page-size">Per page</label>
        <select id="links-page-size" value={pageSize} onChange={(e) => onPageSize(Number(e.currentTarget.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </nav>
  );
}
