/* Every page. Without this script every page still works: forms are sent at once, the menu
   stays where it is.
   - A form with data-confirm asks before it is sent (a visa, access granted, a job cancelled,
     a file deleted — steps that are not taken back).
   - A posted form, once sent, locks its buttons: a second click does not send it twice. With
     data-busy its button says what is being done (a group's accounts take seconds: each
     password is hashed).
   - On a phone the menu is one line that scrolls sideways: the entry of the page one is on is
     brought into view. */
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); return; }
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
      var busy = form.getAttribute("data-busy");
      var pressed = event.submitter;
      // After this turn: a button disabled now would leave its name=value out of what is sent,
      // and a script that stops the sending (the document form's checks) has had its say.
      window.setTimeout(function () {
        if (event.defaultPrevented) { return; }
        form.setAttribute("aria-busy", "true");
        form.querySelectorAll("button, input[type=submit]").forEach(function (button) { button.disabled = true; });
        if (busy && pressed) { pressed.textContent = busy; }
      }, 0);
    });
  });
  // Back to a page the browser kept: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });
  // The chosen file named in the page's words (the browser's own field is unseen: _file_input.html).
  document.querySelectorAll(".file-pick .file-native").forEach(function (input) {
    var shown = input.parentNode.querySelector(".file-name");
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      shown.textContent = names.length ? names.join(", ") : shown.dataset.none;
    });
  });
  var current = document.querySelector('header.top nav a[aria-current="page"]');
  if (current && current.parentNode.scrollWidth > current.parentNode.clientWidth) {
    current.parentNode.scrollLeft = current.offsetLeft - current.parentNode.offsetLeft - 16;
  }
}());
