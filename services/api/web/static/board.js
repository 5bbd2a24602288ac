// camket board: applies the server's live updates (server-sent events)
// to the board without reloading the page. No third-party code.
(function () {
  "use strict";
  function start() {
    var main = document.getElementById("main");
    var live = document.getElementById("live");
    var status = document.getElementById("live-status");
    if (!main || !live || !main.dataset.events || !window.EventSource) { return; }
    var source = new EventSource(main.dataset.events);
    source.addEventListener("board", function (e) {
      var update;
      try { update = JSON.parse(e.data); } catch (err) { return; }
      var before = {};
      live.querySelectorAll("tbody tr[data-unit]").forEach(function (tr) {
        before[tr.dataset.unit] = tr.textContent;
      });
      live.innerHTML = update.html;
      live.querySelectorAll("tbody tr[data-unit]").forEach(function (tr) {
        if (before[tr.dataset.unit] !== tr.textContent) { tr.classList.add("updated"); }
      });
      main.dataset.position = String(update.position);
      if (status) { status.textContent = status.textContent.replace(/ ·.*$/, "") + " · " + new Date().toLocaleTimeString(document.documentElement.lang); }
    });
    source.addEventListener("error", function () {
      // The browser retries on its own unless the server refused the
      // stream (the session ended): then say so.
      if (source.readyState === EventSource.CLOSED && status) {
        status.textContent = status.dataset.closed || "";
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
