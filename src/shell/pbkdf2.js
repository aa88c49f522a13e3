// The I/O half of src/shell/crypto.rs: PBKDF2-HMAC-SHA256 through the
// platform's WebCrypto, which runs it natively (the wasm implementation
// could afford 10,000 iterations; Workers' WebCrypto does 100,000).
// Which salt, how many iterations and what the result means are decided in Rust.
export async function pbkdf2Sha256(password, salt, iterations) {
  // A copy first: `salt` views wasm memory, which may move during the awaits.
  const ownSalt = salt.slice();
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: ownSalt, iterations }, key, 256);
  return new Uint8Array(bits);
}
