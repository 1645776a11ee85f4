/**
 * The report's only style sheet and script, inlined. The page's Content-Security-Policy admits
 * exactly these two by hash, so nothing else — least of all markup smuggled in through a module
 * name — can run or style the page, and nothing can be fetched.
 */

export const STYLE = `
:root { color-scheme: light; --err: #b00020; --warn: #a35d00; --info: #1f5f9e; --line: #d6d6d6; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 16px 24px 48px; max-width: 1500px; color: #1b1b1b; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
code, .path, .symbols { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.path { color: #555; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 0; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 90px; }
.counts b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num { text-align: right; }
#modules td, #errors td { overflow-wrap: anywhere; }
#rules { width: auto; }
#modules col.c-module { width: 19%; } #modules col.c-license { width: 13%; } #modules col.c-num { width: 7.5%; } #modules col.c-details { width: 45.5%; }
tr[hidden] { display: none; }
:target { outline: 3px solid #f0b400; }
.badge { display: inline-block; border-radius: 3px; padding: 0 5px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.error { background: var(--err); } .badge.warning { background: var(--warn); } .badge.info { background: var(--info); }
.verdict.nongpl { color: var(--err); font-weight: 600; } .verdict.gpl { color: #2e7d32; }
.tag { font-size: 11px; border: 1px solid #999; border-radius: 3px; padding: 0 3px; }
ul.findings { margin: 0; padding-left: 0; list-style: none; }
ul.findings > li { margin-bottom: 6px; }
ul.chains { margin: 2px 0 0 18px; padding: 0; }
details summary { cursor: pointer; color: #444; font-size: 12.5px; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0; }
.note { color: #444; max-width: 1100px; }
.warn-note { color: var(--warn); font-weight: 600; }
.picture { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fcfcfc; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; list-style: none; padding: 0; margin: 6px 0; font-size: 13px; }
.legend svg { vertical-align: middle; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.node rect { fill: #fff; stroke: #555; stroke-width: 1.2; }
.node.sev-error rect { fill: #fde2e2; stroke: var(--err); }
.node.sev-warning rect { fill: #fff1d6; stroke: var(--warn); }
.node.sev-info rect { fill: #e3eefb; stroke: var(--info); }
.node.unscanned rect { stroke-dasharray: 4 3; }
.node.kernel rect { fill: #ececec; }
.node.nongpl rect { stroke-width: 2.4; }
.node text { text-anchor: middle; fill: #1b1b1b; }
.node text.name { font-size: 12px; font-weight: 600; }
.node text.sub { font-size: 10px; fill: #444; }
.node.nongpl text.sub { fill: var(--err); }
a:hover .node rect, .node.hl rect { stroke-width: 3; }
.edge path { fill: none; stroke: #8a8a8a; stroke-width: 1.2; }
.edge text { font-size: 10px; fill: #444; }
.edge.gpl-only path { stroke: #c00000; stroke-width: 1.6; stroke-dasharray: 5 3; }
.edge.gpl-only.violation path { stroke-width: 3; stroke-dasharray: none; }
.edge.gpl-only text { fill: #c00000; font-weight: 600; }
.edge.shim path { stroke: #d26a00; stroke-width: 3; stroke-dasharray: 8 4; }
.edge.shim text { fill: #a05000; font-weight: 600; }
.edge.proprietary path { stroke: #7a3db8; stroke-width: 2.2; }
.edge.proprietary text { fill: #7a3db8; }
.edge.hl path { stroke-width: 4.5; }
.picture.focus .edge:not(.hl) { opacity: 0.15; }
.picture.focus .node:not(.hl) { opacity: 0.35; }
`;

/*
 * Plain ES2020 for the browser: sorting the module table by a header, filtering it by rule,
 * severity and text, and highlighting a box's edges in the picture while the pointer is on it.
 */
export const SCRIPT = `
"use strict";
(function () {
  var table = document.getElementById("modules");
  if (table) {
    var body = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    var rule = document.getElementById("filter-rule");
    var severity = document.getElementById("filter-severity");
    var text = document.getElementById("filter-text");
    var count = document.getElementById("filter-count");
    var showAll = document.getElementById("show-all");
    // Only the first rows matching are laid out: a table of thousands takes seconds to re-lay out
    // on every sort. "Show all" lifts the limit.
    var limit = Number(table.getAttribute("data-page")) || Infinity;

    var matches = function (row, wantRule, minSeverity, needle) {
      return (!wantRule || (" " + row.getAttribute("data-rules") + " ").indexOf(" " + wantRule + " ") >= 0) &&
        Number(row.getAttribute("data-sev")) >= minSeverity &&
        (!needle || row.cells[0].textContent.toLowerCase().indexOf(needle) >= 0);
    };
    var apply = function () {
      var wantRule = rule.value, minSeverity = Number(severity.value), needle = text.value.trim().toLowerCase();
      var matching = 0, shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = matches(row, wantRule, minSeverity, needle);
        if (ok) matching++;
        row.hidden = !(ok && shown < limit);
        if (!row.hidden) shown++;
      });
      count.textContent = (shown < matching ? "first " + shown + " of " + matching + " matching" : shown + " of " + body.rows.length + " shown");
      showAll.hidden = shown >= matching;
    };

    headers.forEach(function (th) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var col = Number(button.getAttribute("data-col"));
        var numeric = button.getAttribute("data-type") === "number";
        // Numbers start descending (most findings first), text ascending; a second click reverses.
        var current = th.getAttribute("aria-sort");
        var ascending = current === "none" ? !numeric : current !== "ascending";
        headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        // Keys are read once per row: reading attributes inside the comparison is slow on thousands of rows.
        var keyed = Array.prototype.map.call(body.rows, function (row) {
          var k = row.cells[col].getAttribute("data-sort") || "";
          return { row: row, key: numeric ? Number(k) : k, name: row.cells[0].getAttribute("data-sort") || "" };
        });
        keyed.sort(function (a, b) {
          var d = numeric ? a.key - b.key : collator.compare(a.key, b.key);
          if (d === 0) d = collator.compare(a.name, b.name);
          return ascending ? d : -d;
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k.row); });
        body.appendChild(fragment);
        apply();
      });
    });
    [rule, severity].forEach(function (el) { el.addEventListener("change", apply); });
    text.addEventListener("input", apply);
    showAll.addEventListener("click", function () { limit = Infinity; apply(); });
    // A link from the picture to a row past the limit still lands on it.
    var reveal = function () {
      var target = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
      if (target && target.parentElement === body && target.hidden) {
        target.hidden = false;
        target.scrollIntoView();
      }
    };
    window.addEventListener("hashchange", reveal);
    reveal();
  }

  var picture = document.querySelector(".picture");
  var svg = document.getElementById("picture");
  if (picture && svg) {
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
    svg.querySelectorAll(".node").forEach(function (node) {
      node.addEventListener("mouseenter", function () {
        picture.classList.add("focus");
        node.classList.add("hl");
        edges.forEach(function (e) {
          var from = e.getAttribute("data-from"), to = e.getAttribute("data-to");
          if (from !== node.id && to !== node.id) return;
          e.classList.add("hl");
          var other = document.getElementById(from === node.id ? to : from);
          if (other) other.classList.add("hl");
        });
      });
      node.addEventListener("mouseleave", function () {
        picture.classList.remove("focus");
        svg.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
      });
    });
  }
})();
`;
