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
  if (!table) { return; }

  /* On a wide screen the result columns (absences, ТК, РД, final, letter, result) stay at the
     right edge of the grid's box while the marks scroll: each is pinned at the width of those
     after it, measured (the words differ by language). A phone keeps them in the scroll. */
  var wide = window.matchMedia("(min-width: 900px)");
  function pinResults() {
    var head = table.tHead.rows[0];
    var outs = Array.prototype.filter.call(head.cells, function (th) { return th.classList.contains("out"); });
    var all = [head].concat(Array.prototype.slice.call(table.tBodies[0].rows));
    all.forEach(function (tr) {
      outs.forEach(function (th) {
        var cell = tr.cells[th.cellIndex];
        if (cell) { cell.classList.remove("pinned", "first"); cell.style.right = ""; }
      });
    });
    if (!wide.matches) { return; }
    var right = 0;
    outs.slice().reverse().forEach(function (th, i) {
      var width = th.getBoundingClientRect().width;
      all.forEach(function (tr) {
        var cell = tr.cells[th.cellIndex];
        if (!cell) { return; }
        cell.classList.add("pinned");
        if (i === outs.length - 1) { cell.classList.add("first"); }
        cell.style.right = right + "px";
      });
      right += width;
    });
  }
  pinResults();
  window.addEventListener("resize", pinResults);
  table.pinResults = pinResults;

  /* A reopening: the cells its grant opens are brought into the box's view (they are often
     the midterms and the exam, at the far right of a long journal). */
  var granted = Array.prototype.reduce.call(table.querySelectorAll("td.granted"), function (far, td) {
    return far && far.offsetLeft >= td.offsetLeft ? far : td;
  }, null);
  if (granted) {
    var pinned = table.tHead.querySelector("th.pinned.first");
    var covered = pinned ? parseFloat(pinned.style.right) + pinned.offsetWidth : 0;  // under the results
    var box = table.parentNode;
    box.scrollLeft = Math.max(0, granted.offsetLeft + granted.offsetWidth + 40 - (box.clientWidth - covered));
  }

  /* Find a student: the rows whose name or record book (the name cell's title) hold the typed
     text, in any case, stay; the others are hidden, and the line beside says how many stay. */
  var find = document.getElementById("grid-find");
  if (find) {
    var found = document.getElementById("grid-found");
    var people = Array.prototype.slice.call(table.tBodies[0].rows);
    find.addEventListener("input", function () {
      var wanted = find.value.trim().toLocaleLowerCase();
      var shown = 0;
      people.forEach(function (tr) {
        var name = tr.querySelector("th.name");
        tr.hidden = Boolean(wanted) && (name.getAttribute("title") || "").toLocaleLowerCase().indexOf(wanted) < 0;
        if (!tr.hidden) { shown += 1; }
      });
      found.textContent = wanted ? find.getAttribute("data-msg-shown") + " " + shown + " / " + people.length : "";
    });
  }

  if (!table.querySelector("input.cell")) { return; }

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var api = table.getAttribute("data-api");
  var msg = {
    saving: table.getAttribute("data-msg-saving"),
    saved: table.getAttribute("data-msg-saved"),
    network: table.getAttribute("data-msg-network"),
    keep: table.getAttribute("data-msg-keep"),
    take: table.getAttribute("data-msg-take"),
    keepOwn: table.getAttribute("data-msg-keep-own"),
    takeOwn: table.getAttribute("data-msg-take-own"),
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
      var next = rows[r].hidden ? null : inputAt(r, c);  // a row the search hides is passed over
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

  /* One message box for the grid. A wrong cell keeps its message (shown again when it gets
     the focus back); the box stands next to the cell it speaks of, above or below it, on the
     side away from the cell that has the focus, and goes when that cell is fixed or undone. */
  var wrap = table.parentNode;
  var bubble = document.createElement("div");
  bubble.className = "cell-msg";
  bubble.setAttribute("role", "alert");
  bubble.hidden = true;
  document.body.appendChild(bubble);
  var bubbleFor = null;

  function hideBubble() { bubble.hidden = true; bubbleFor = null; }

  function placeBubble() {
    if (!bubbleFor) { return; }
    var cell = bubbleFor.parentNode.getBoundingClientRect();
    var box = wrap.getBoundingClientRect();
    // A cell scrolled out of the grid's box has no bubble (the status line still says it).
    var inView = cell.bottom > box.top && cell.top < box.bottom && cell.right > box.left && cell.left < box.right;
    bubble.style.visibility = inView ? "" : "hidden";
    var focused = document.activeElement;
    var height = bubble.offsetHeight;
    var above = cell.top - height - 2;
    var below = cell.bottom + 2;
    var top = below;
    if (focused && focused !== bubbleFor && focused.classList && focused.classList.contains("cell")
        && focused._row > bubbleFor._row) {
      top = above;                       // the focus went down: say it above the wrong cell
    }
    if (top + height > window.innerHeight) { top = above; }
    if (top < 0) { top = below; }
    var left = Math.max(4, Math.min(cell.left, window.innerWidth - bubble.offsetWidth - 4));
    bubble.style.top = top + "px";
    bubble.style.left = left + "px";
  }

  function showBubble(el) {
    var m = el._message;
    if (!m) { return; }
    bubble.className = "cell-msg " + m.kind;
    bubble.textContent = "";
    var p = document.createElement("span");
    p.textContent = m.text;
    bubble.appendChild(p);
    m.buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.label;
      // The cell keeps the focus: a press on the button must not move it (and re-place the box).
      button.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      button.addEventListener("click", function (ev) { ev.preventDefault(); b.act(); });
      bubble.appendChild(button);
    });
    bubbleFor = el;
    bubble.hidden = false;
    placeBubble();
  }

  function clearMessage(el) {
    el.classList.remove("bad", "conflict");
    el.removeAttribute("aria-invalid");
    el._message = null;
    if (bubbleFor === el) { hideBubble(); }
  }

  function showMessage(el, text, kind, buttons) {
    clearMessage(el);
    el.classList.add(kind);
    el.setAttribute("aria-invalid", "true");
    el._message = { text: text, kind: kind, buttons: buttons || [] };
    showBubble(el);
    say(text);
  }

  wrap.addEventListener("scroll", placeBubble, { passive: true });
  window.addEventListener("scroll", placeBubble, { passive: true });
  window.addEventListener("resize", placeBubble);

  /* A long text (н/б (п)) in a smaller type, to fit its cell. */
  function fit(el) { el.classList.toggle("long", el.value.length > 4); }

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

  function updateAttendance(el, attendance) {
    var out = attendance && rows[el._row].querySelector('[data-out="attendance"]');
    if (out) { out.textContent = attendance.text; }
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
      if (stillTyped) { el.value = data.cell.text; fit(el); }
      updateRow(el, data.result);
      updateAttendance(el, data.attendance);
      table.pinResults();
      el.classList.add("ok");
      window.setTimeout(function () { el.classList.remove("ok"); }, 900);
      say(msg.saved);
      if (!stillTyped || el._again) { el._again = false; if (!stillTyped) { save(el); } }
      return;
    }
    el._again = false;
    if (status === 409 && data.current) {
      var current = data.current;
      // The writer's own other tab or window: "this one / the other one", not "mine / theirs".
      var own = data.code === "mark_conflict_self";
      el.setAttribute("data-version", current.version);
      showMessage(el, data.message, "conflict", [
        { label: own ? msg.keepOwn : msg.keep, act: function () { save(el); el.focus(); } },
        { label: (own ? msg.takeOwn : msg.take) + (current.text ? " (" + current.text + ")" : ""), act: function () {
          el.value = current.text;
          fit(el);
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
    var el = ev.target;
    if (!el.classList || !el.classList.contains("cell")) { return; }
    el.select();
    if (el._message) { showBubble(el); } else { placeBubble(); }
  });

  table.addEventListener("input", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("cell")) { fit(ev.target); }
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
        fit(el);
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
