/* The journal grid: keyboard entry of marks, saved cell by cell through
   PUT /api/v1/journals/<code>/cells with the version the page read.

   Typing: 0–100; "н" (or "n") → н/б; "п" (or "p") → н/б (п), н/б with the credit-transfer
   note; an empty cell clears the mark. Enter / Shift+Enter and ↑ ↓ move down and up,
   ← → move at the edge of the text, Tab moves right, Esc restores what was saved.
   A cell is saved when it is left (the "change" event). The server decides what is valid:
   its message (in the interface language) is shown next to the cell and the typed text is
   kept; a conflict (someone else saved first) shows their value and lets the user write
   theirs again or take the other one. Plain JavaScript, nothing loaded from elsewhere. */
(function () {
  "use strict";

  var table = document.getElementById("grid");
  if (!table || !table.querySelector("input.cell")) { return; }

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var api = table.getAttribute("data-api");
  var msg = {
    saving: table.getAttribute("data-msg-saving"),
    saved: table.getAttribute("data-msg-saved"),
    network: table.getAttribute("data-msg-network"),
    keep: table.getAttribute("data-msg-keep"),
    take: table.getAttribute("data-msg-take"),
    unsaved: table.getAttribute("data-msg-unsaved")
  };
  var transferNote = table.getAttribute("data-transfer-note") || "перезачет";
  var statusLine = document.getElementById("grid-status");

  var ABSENT = ["н", "n", "нб", "н/б", "н\\б", "н.б"];
  var TRANSFER = ["п", "p", "пз", "н/б (п)", "н/б(п)", "н/б п", "н/б (перезачет)", "перезачет",
                  "н/б (қайта есепке алу)", "қайта есепке алу"];

  /* What the typed text means: {value, note} as the JSON route takes it. */
  function parse(text) {
    var t = text.trim();
    var low = t.toLowerCase().replace(/\s+/g, " ");
    if (t === "") { return { value: null, note: null }; }
    if (ABSENT.indexOf(low) >= 0) { return { value: "н/б", note: null }; }
    if (TRANSFER.indexOf(low) >= 0) { return { value: "н/б", note: transferNote }; }
    return { value: t, note: null };  // digits, or anything else: the server names the problem
  }

  /* How a saved value is shown (the same as the server's cell text). */
  function shown(p) {
    if (p.value === null) { return ""; }
    if (p.value === "н/б") { return p.note ? "н/б (п)" : "н/б"; }
    return String(p.value);
  }

  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.cell"));
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  inputs.forEach(function (el) {
    el.setAttribute("data-saved", el.value);
    var td = el.parentNode;
    el._row = rows.indexOf(td.parentNode);
    el._col = Array.prototype.indexOf.call(td.parentNode.cells, td);
  });

  function inputAt(row, col) {
    var tr = rows[row];
    if (!tr || !tr.cells[col]) { return null; }
    return tr.cells[col].querySelector("input.cell");
  }

  /* The next writable cell from ``el`` in a direction (skipping read-only ones). */
  function neighbour(el, dRow, dCol) {
    var r = el._row + dRow, c = el._col + dCol;
    var width = rows[el._row].cells.length;
    while (r >= 0 && r < rows.length && c >= 0 && c < width) {
      var next = inputAt(r, c);
      if (next) { return next; }
      r += dRow; c += dCol;
    }
    return null;
  }

  function go(el, dRow, dCol) {
    var next = neighbour(el, dRow, dCol);
    if (next) { next.focus(); next.select(); }
  }

  function say(text) { if (statusLine) { statusLine.textContent = text || ""; } }

  function clearMessage(el) {
    el.classList.remove("bad", "conflict");
    el.removeAttribute("aria-invalid");
    var box = el.parentNode.querySelector(".cell-msg");
    if (box) { box.parentNode.removeChild(box); }
  }

  function showMessage(el, text, kind, buttons) {
    clearMessage(el);
    el.classList.add(kind);
    el.setAttribute("aria-invalid", "true");
    var box = document.createElement("div");
    box.className = "cell-msg " + kind;
    box.setAttribute("role", "alert");
    var p = document.createElement("span");
    p.textContent = text;
    box.appendChild(p);
    (buttons || []).forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.label;
      button.addEventListener("click", function (ev) { ev.preventDefault(); b.act(); });
      box.appendChild(button);
    });
    el.parentNode.appendChild(box);
    say(text);
  }

  function updateRow(el, result) {
    if (!result) { return; }
    var tr = rows[el._row];
    ["tk", "rd", "final", "letter", "status"].forEach(function (key) {
      var out = tr.querySelector('[data-out="' + key + '"]');
      if (out) { out.textContent = result.shown[key]; }
    });
    tr.className = tr.className.replace(/\bst-\S+/g, "").trim();
    tr.classList.add("st-" + result.status);
  }

  function save(el) {
    var typed = parse(el.value);
    if (shown(typed) === el.getAttribute("data-saved") && !el.classList.contains("bad")
        && !el.classList.contains("conflict")) {
      el.value = el.getAttribute("data-saved");
      return;
    }
    if (el._busy) { el._again = true; return; }
    el._busy = true;
    el.classList.add("saving");
    say(msg.saving);
    var body = { student: el.getAttribute("data-student"), column: el.getAttribute("data-column"),
                 value: typed.value, note: typed.note, version: parseInt(el.getAttribute("data-version"), 10) || 0 };
    fetch(api, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; },
                                  function () { return { status: response.status, data: {} }; });
    }).then(function (answer) {
      done(el, answer.status, answer.data, typed);
    }, function () {
      done(el, 0, {}, typed);
    });
  }

  function done(el, status, data, typed) {
    el._busy = false;
    el.classList.remove("saving");
    if (status === 200) {
      clearMessage(el);
      var stillTyped = shown(parse(el.value)) === shown(typed);
      el.setAttribute("data-version", data.cell.version);
      el.setAttribute("data-saved", data.cell.text);
      if (stillTyped) { el.value = data.cell.text; }
      if (data.cell.updated_by) { el.title = data.cell.updated_by; }
      updateRow(el, data.result);
      el.classList.add("ok");
      window.setTimeout(function () { el.classList.remove("ok"); }, 900);
      say(msg.saved);
      if (!stillTyped || el._again) { el._again = false; if (!stillTyped) { save(el); } }
      return;
    }
    el._again = false;
    if (status === 409 && data.current) {
      var current = data.current;
      el.setAttribute("data-version", current.version);
      showMessage(el, data.message, "conflict", [
        { label: msg.keep, act: function () { save(el); el.focus(); } },
        { label: msg.take + (current.text ? " (" + current.text + ")" : ""), act: function () {
          el.value = current.text;
          el.setAttribute("data-saved", current.text);
          clearMessage(el);
          el.focus();
        } }
      ]);
      return;
    }
    showMessage(el, status === 0 ? msg.network : (data.message || msg.network), "bad");
  }

  table.addEventListener("change", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("cell")) { save(ev.target); }
  });

  table.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("cell")) { ev.target.select(); }
  });

  table.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.classList || !el.classList.contains("cell")) { return; }
    var atStart = el.selectionStart === 0 && el.selectionEnd === 0;
    var atEnd = el.selectionStart === el.value.length && el.selectionEnd === el.value.length;
    var whole = el.selectionStart === 0 && el.selectionEnd === el.value.length;
    switch (ev.key) {
      case "Enter":
        ev.preventDefault();
        save(el);
        go(el, ev.shiftKey ? -1 : 1, 0);
        break;
      case "ArrowDown": ev.preventDefault(); go(el, 1, 0); break;
      case "ArrowUp": ev.preventDefault(); go(el, -1, 0); break;
      case "ArrowLeft": if (atStart || whole) { ev.preventDefault(); go(el, 0, -1); } break;
      case "ArrowRight": if (atEnd || whole) { ev.preventDefault(); go(el, 0, 1); } break;
      case "Escape":
        ev.preventDefault();
        el.value = el.getAttribute("data-saved");
        clearMessage(el);
        say("");
        el.select();
        break;
      default:
    }
  });

  window.addEventListener("beforeunload", function (ev) {
    var pending = inputs.some(function (el) {
      return el._busy || shown(parse(el.value)) !== el.getAttribute("data-saved");
    });
    if (pending) { ev.preventDefault(); ev.returnValue = msg.unsaved; return msg.unsaved; }
    return undefined;
  });
}());
