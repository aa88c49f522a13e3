// The live preview of where a link with UTM parameters sends visitors. The
// worker decides the real redirect (src/core/redirect.rs merge_query); this
// mirrors its documented order for display: the destination's own
// parameters keep their place unless a UTM value replaces them, then come
// the UTM parameters, and a #fragment stays last.

export const UTM_KEYS = ["source", "medium", "campaign", "term", "content"];

/** The destination with `utm` applied, or null when `url` is not an absolute http(s) URL. */
export function withUtm(url, utm) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  const set = UTM_KEYS.filter((k) => utm[k]);
  for (const key of set) u.searchParams.delete("utm_" + key);
  for (const key of set) u.searchParams.append("utm_" + key, utm[key]);
  return u.href;
}
