/* Starts Swagger UI on /api/v1/docs. A file of our own rather than an inline script, so the
   app's Content-Security-Policy (script-src 'self') holds. The page's container carries the
   settings: data-spec-url (the OpenAPI description) and data-csrf-token (the session's CSRF
   token, sent as X-CSRFToken on same-origin writes, as the app's own pages do). */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  var csrf = root.getAttribute("data-csrf-token") || "";
  var SAFE = /^(GET|HEAD|OPTIONS)$/i;

  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; }
    catch (e) { return false; }
  }

  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",          // no top bar: it would let the page load any other URL
    validatorUrl: null,            // the default validator badge is an image from another host
    queryConfigEnabled: false,     // ?url= / ?configUrl= in the address are not obeyed
    persistAuthorization: false,
    requestInterceptor: function (req) {
      if (csrf && !SAFE.test(req.method || "GET") && sameOrigin(req.url)) {
        req.headers["X-CSRFToken"] = csrf;
      }
      return req;
    }
  });
})();
