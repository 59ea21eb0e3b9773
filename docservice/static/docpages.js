/* The document forms (docservice/templates/web/docpages/form.html): table rows added and
   removed, the preview shown in the page, and a choice narrowed by another (the teachers by
   the journal).

   Without this script the form still works: Preview opens the draft in the tab, Issue issues,
   and the server puts its messages next to the fields.

   Preview: the form is first sent to its check URL (validation only; the form's own CSRF
   token travels in the form data, so the route is not exempted from CSRF). With errors the
   messages are shown next to the inputs; without, the form is submitted to the preview
   route with the preview frame as its target (same origin: the draft PDF may be framed). */
(function () {
  "use strict";

  function rowsOf(table) { return table.querySelector("[data-rows]"); }

  function nextIndex(table) {
    var max = -1;
    rowsOf(table).querySelectorAll(":scope > tr[data-row]").forEach(function (row) {
      var i = parseInt(row.getAttribute("data-index"), 10);
      if (!isNaN(i) && i > max) { max = i; }
    });
    return max + 1;
  }

  function addRow(table) {
    var template = table.querySelector(":scope > template[data-row-template]");
    var index = String(nextIndex(table));
    var fresh = template.content.firstElementChild.cloneNode(true);
    fresh.setAttribute("data-index", index);
    fresh.querySelectorAll("[name], [id], [for], [data-errors-for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "data-errors-for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value !== null) { el.setAttribute(attr, value.split("__index__").join(index)); }
      });
    });
    rowsOf(table).appendChild(fresh);
    var first = fresh.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  function removeRow(button) {
    var row = button.closest("tr[data-row]");
    var table = button.closest("[data-table]");
    row.remove();
    if (table && !rowsOf(table).querySelector(":scope > tr[data-row]")) { addRow(table); }
  }

  function showErrors(form, errors, general) {
    form.querySelectorAll("[data-errors-for]").forEach(function (list) {
      list.textContent = "";
      list.hidden = true;
    });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var list = form.querySelector('[data-errors-for="' + CSS.escape(name) + '"]');
      if (!list) { general.push(name + ": " + errors[name].join(" ")); return; }
      errors[name].forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      list.hidden = false;
      var holder = list.closest("td, .field");   // a table's cell, or the field
      if (holder) { holder.classList.add("has-error"); }
      first = first || list;
    });
    var box = document.querySelector("[data-form-message]");
    box.textContent = "";
    general.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    if (first) {
      var p = document.createElement("p");
      p.textContent = form.getAttribute("data-errors-text");
      box.appendChild(p);
    }
    box.hidden = !box.firstChild;
    if (!box.hidden) { box.scrollIntoView({ block: "nearest" }); }
  }

  function preview(form, button) {
    var data = new FormData(form);
    fetch(form.getAttribute("data-check-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        showErrors(form, answer.errors, (answer.general || []).slice());
        if (!answer.ok) { return; }
        var section = document.querySelector("[data-preview-section]");
        section.hidden = false;
        var frameFlag = document.createElement("input");
        frameFlag.type = "hidden";
        frameFlag.name = "_frame";
        frameFlag.value = "1";
        form.appendChild(frameFlag);
        var action = form.getAttribute("action");
        form.setAttribute("action", button.getAttribute("formaction"));
        form.setAttribute("target", form.getAttribute("data-frame"));
        form.submit();
        form.setAttribute("action", action);
        form.removeAttribute("target");
        frameFlag.remove();
        section.scrollIntoView({ block: "start" });
      })
      .catch(function () { showErrors(form, {}, [form.getAttribute("data-failed-text")]); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var add = target.closest("[data-add-row]");
    if (add) { addRow(add.closest("[data-table]")); return; }
    var remove = target.closest("[data-remove-row]");
    if (remove) { removeRow(remove); return; }
    var previewButton = target.closest("button[data-preview]");
    if (previewButton) {
      event.preventDefault();
      preview(previewButton.form, previewButton);
    }
  });

  /* A choice that follows another (data-follows names it: the explanatory note's teacher
     follows its journal): once one is chosen there, only the options whose data-tags list its
     value stay; a hidden choice that was selected is cleared. */
  function follow(select) {
    var leader = select.form && select.form.elements[select.getAttribute("data-follows")];
    if (!leader || !leader.options) { return; }
    function apply() {
      var wanted = leader.value;
      Array.prototype.forEach.call(select.options, function (option) {
        var tags = (option.getAttribute("data-tags") || "").split(" ");
        var shown = !wanted || !option.value || tags.indexOf(wanted) >= 0;
        option.hidden = !shown;
        option.disabled = !shown;
        if (!shown && option.selected) { select.value = ""; }
      });
    }
    leader.addEventListener("change", apply);
    apply();
  }
  document.querySelectorAll("select[data-follows]").forEach(follow);
})();
