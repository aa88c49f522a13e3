// Reference worker "const": the ceiling of the runtime itself. Every request
// gets the same 302 with no storage and no parsing, so its throughput is what
// workerd + Miniflare's entry socket + the load generator allow on this
// machine. benchmarks/run.mjs serves it beside ours, on the same workerd.
export default {
  fetch() {
    return new Response(null, {
      status: 302,
      headers: {
        Location: "https://example.com/",
        "Cache-Control": "private, max-age=0",
        "X-Robots-Tag": "noindex",
      },
    });
  },
};
