// camket board: applies the server's live updates (server-sent events)
// to the board without reloading the page. No third-party code.
(function () {
  "use strict";
  // Sorting: a click on a column's button orders the rows by that column,
  // names in Vietnamese collation, numbers numerically (units without a
  // figure last); a second click reverses. The order survives live updates.
  var sorted = null; // {col, dir}
  var collator = window.Intl ? new Intl.Collator("vi", { sensitivity: "base" }) : null;
  function cellValue(tr, col) {
    var cell = tr.querySelectorAll("td, th")[col];
    return cell ? (cell.dataset.v || "") : "";
  }
  function applySort(live) {
    if (!sorted) { return; }
    var button = live.querySelector('button.sort[data-sort="' + sorted.col + '"]');
    var tbody = live.querySelector("#board tbody");
    if (!button || !tbody) { return; }
    var numeric = button.dataset.kind === "num";
    var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr[data-unit]"));
    rows.sort(function (a, b) {
      var x = cellValue(a, sorted.col), y = cellValue(b, sorted.col);
      if (numeric) {
        if (x === "" || y === "") { return (x === "") - (y === ""); } // no figure: last
        return sorted.dir * (parseFloat(x) - parseFloat(y));
      }
      return sorted.dir * (collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0));
    });
    rows.forEach(function (tr) { tbody.appendChild(tr); });
    live.querySelectorAll("button.sort").forEach(function (b) {
      b.parentNode.setAttribute("aria-sort", b === button ? (sorted.dir > 0 ? "ascending" : "descending") : "none");
    });
  }
  function start() {
    var main = document.getElementById("main");
    var live = document.getElementById("live");
    var status = document.getElementById("live-status");
    if (live) {
      live.addEventListener("click", function (e) {
        var button = e.target.closest && e.target.closest("button.sort");
        if (!button) { return; }
        var col = button.dataset.sort;
        sorted = { col: col, dir: sorted && sorted.col === col ? -sorted.dir : 1 };
        applySort(live);
      });
    }
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
      applySort(live);
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
