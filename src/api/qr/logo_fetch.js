// The I/O half of src/api/qr/logo_fetch.rs: one logo request per call, and the Cache API.
// Kept in JavaScript because the same through the worker crate's wrappers cost
// 12 KiB gzip of the bundle; every decision (which URLs, which redirects, which
// content types) is made by the Rust caller. tests/logo_fetch.test.mjs runs it in Node.

// One request, no redirect following: [status, location, contentType, bytes|null].
// The body is read only for a 200, and abandoned past `cap` bytes (status 413 then).
export async function logoHop(url, ms, cap) {
  const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(ms) });
  const type = res.headers.get("content-type") ?? "";
  const location = res.headers.get("location") ?? "";
  if (res.status !== 200) {
    await res.body?.cancel();
    return [res.status, location, type, null];
  }
  if (Number(res.headers.get("content-length") ?? 0) > cap) {
    await res.body?.cancel();
    return [413, "", type, null];
  }
  const reader = res.body.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > cap) {
      await reader.cancel();
      return [413, "", type, null];
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return [200, location, type, bytes];
}

// A cached logo as [contentType, bytes], or null.
export async function logoCached(url) {
  const hit = await caches.default.match(url);
  if (!hit) return null;
  return [hit.headers.get("content-type") ?? "", new Uint8Array(await hit.arrayBuffer())];
}

// Keeps a fetched, validated logo for `seconds`.
export async function logoRemember(url, type, bytes, seconds) {
  const headers = { "content-type": type, "cache-control": `public, max-age=${seconds}` };
  await caches.default.put(url, new Response(bytes, { headers }));
}
