/* The archive pages (docservice/templates/web/oversight/archive*.html): live progress of the
   batch jobs (the confirmation before cancelling a job or deleting a nomenclature file is
   static/app.js's, on every page).

   The element with data-archive-progress names the JSON route to poll (the recent jobs, or
   one job). While a job shown on the page runs, the route is asked every second and each
   [data-job] block gets its status, counts and <progress> from the answer; when a job stops
   running (done, cancelled, stopped) the page is loaded again, which brings its download
   link, its buttons and its report. Without this script the page still works: reload it. */
(function () {
  "use strict";

  var PERIOD = 1000;

  var holder = document.querySelector("[data-archive-progress]");
  if (!holder) { return; }
  var url = holder.getAttribute("data-archive-progress");

  function blocks() { return holder.querySelectorAll("[data-job]"); }

  function anyLive() {
    return Array.prototype.some.call(blocks(), function (b) { return b.getAttribute("data-live") === "true"; });
  }

  function update(block, job) {
    block.querySelectorAll("[data-field]").forEach(function (el) {
      var name = el.getAttribute("data-field");
      if (job[name] !== undefined) { el.textContent = String(job[name]); }
    });
    var status = block.querySelector(".ar-status");
    if (status) { status.className = "ar-status ar-" + job.shown; }
    var bar = block.querySelector("progress");
    if (bar) {
      bar.max = job.total || 1;
      // Nothing done yet while the workers start: a moving (indeterminate) bar says it is alive.
      if (job.live && !job.done_count) { bar.removeAttribute("value"); } else { bar.value = job.done_count; }
      bar.textContent = job.done_count + " / " + job.total;
    }
    var failed = block.querySelector(".ar-failed");
    if (failed) { failed.classList.toggle("ar-none", !job.failed); }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        var byId = {};
        answer.jobs.forEach(function (job) { byId[String(job.job)] = job; });
        var ended = false;
        blocks().forEach(function (block) {
          var job = byId[block.getAttribute("data-job")];
          if (!job) { return; }
          var wasLive = block.getAttribute("data-live") === "true";
          update(block, job);
          block.setAttribute("data-live", job.live ? "true" : "false");
          block.setAttribute("data-shown", job.shown);
          if (wasLive && !job.live) { ended = true; }
        });
        if (ended) {
          window.location.reload();
          return;
        }
        if (anyLive()) { window.setTimeout(poll, PERIOD); }
      })
      .catch(function () { window.setTimeout(poll, PERIOD * 5); });  // a hiccup: try again, slower
  }

  if (anyLive()) { window.setTimeout(poll, PERIOD); }
}());
