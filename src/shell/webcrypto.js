// PBKDF2-HMAC-SHA256 through WebCrypto (crypto.subtle), for members'
// passwords: native in workerd, so 100,000 iterations cost little of the
// worker's CPU budget. Used by src/shell/webcrypto.rs.

// The 32-byte derived key of `password` with `salt`.
export async function pbkdf2Sha256(password, salt, iterations) {
  // Copied at once: `salt` is a view of wasm memory, which may move while we await.
  const saltBytes = salt.slice();
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: saltBytes, iterations }, key, 256);
  return new Uint8Array(bits);
}
