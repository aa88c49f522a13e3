// WCAG contrast between the QR code's dots and its background, for the
// designer's warning. The worker refuses codes under 3:1 (or with dots
// lighter than the background) when it renders or saves them.

/** "#abc", "#aabbcc" or "#aabbccdd" → {r,g,b,a} in 0..1, or null. */
export function parseHex(hex) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(hex ?? "");
  if (!m) return null;
  let h = m[1];
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  const n = (i) => parseInt(h.slice(i, i + 2), 16) / 255;
  return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) : 1 };
}

const channel = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** Relative luminance of a colour seen over white (transparency shows the page). */
function luminance({ r, g, b, a }) {
  const over = (c) => c * a + (1 - a);
  return 0.2126 * channel(over(r)) + 0.7152 * channel(over(g)) + 0.0722 * channel(over(b));
}

/** `{ratio, darkOnLight}` of dots over background, or null for an unreadable colour. */
export function contrastOf(dots, background) {
  const d = parseHex(dots);
  const b = parseHex(background);
  if (!d || !b) return null;
  const ld = luminance(d);
  const lb = luminance(b);
  const ratio = (Math.max(ld, lb) + 0.05) / (Math.min(ld, lb) + 0.05);
  return { ratio, darkOnLight: ld < lb };
}
