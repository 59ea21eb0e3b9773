/* Every page. Without this script every page still works: forms are sent at once, the menu
   stays where it is.
   - A form with data-confirm asks before it is sent (a visa, access granted, a job cancelled,
     a file deleted — steps that are not taken back).
   - On a phone the menu is one line that scrolls sideways: the entry of the page one is on is
     brought into view. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var current = document.querySelector('header.top nav a[aria-current="page"]');
  if (current && current.parentNode.scrollWidth > current.parentNode.clientWidth) {
    current.parentNode.scrollLeft = current.offsetLeft - current.parentNode.offsetLeft - 16;
  }
}());
