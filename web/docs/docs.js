// /docs: the interactive API reference, rendered by Swagger UI from the
// worker's own contract, GET /v1/openapi.json. "Try it out" calls run in
// this browser: with the dashboard's session cookie, or a key given under
// "Authorize".
import SwaggerUI from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";
import "./docs.css";

const ui = SwaggerUI({
  url: "/v1/openapi.json",
  dom_id: "#api-reference",
  // Deep-link anchors inside the operation summary buttons would nest
  // interactive elements (an accessibility violation).
  deepLinking: false,
  tryItOutEnabled: false,
  // Writes made with the session cookie need its CSRF token, as the dashboard sends it.
  requestInterceptor: async (request) => {
    if (request.method !== "GET" && !request.headers.Authorization) {
      const session = await fetch("/v1/auth/session", { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null), () => null);
      if (session?.csrfToken) request.headers["X-CSRF-Token"] = session.csrfToken;
    }
    return request;
  },
});

// Swagger UI renders the server picker without a label; name it for screen
// readers whenever it (re)appears.
new MutationObserver(() => {
  const servers = document.querySelector("#servers");
  if (servers && !servers.hasAttribute("aria-label")) servers.setAttribute("aria-label", "Server");
}).observe(document.getElementById("api-reference"), { childList: true, subtree: true });

export default ui;
