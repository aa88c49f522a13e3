// Reference worker "kv": the least a KV-backed redirect can do, the yardstick
// of DESIGN.md §5. One KV read of the slug (the same record bytes and
// cacheTtl as ours, copied from our KV by benchmarks/run.mjs), its JSON
// parsed for the URL (`u` in version 2 of the record, src/store/kv.rs; `url`
// in version 1), and the same 302 headers; 404 when the slug is missing.
// benchmarks/run.mjs checks its Location for sample slugs before loading it.
export default {
  async fetch(request, env) {
    const slug = new URL(request.url).pathname.slice(1);
    const record = slug ? await env.LINKS_KV.get(slug, { type: "json", cacheTtl: 30 }) : null;
    if (!record) return new Response("Link not found", { status: 404 });
    return new Response(null, {
      status: 302,
      headers: {
        Location: record.u ?? record.url,
        "Cache-Control": "private, max-age=0",
        "X-Robots-Tag": "noindex",
      },
    });
  },
};
