/* Every page: a form with data-confirm asks before it is sent (a visa, access granted, a job
   cancelled, a file deleted — steps that are not taken back). Without this script the form is
   sent at once, as before. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
}());
