/**
 * The HTML report's one inline script, and its SHA-256 for the page's Content-Security-Policy: a click on a
 * column's header sorts the table's body rows by that column (numbers as numbers, ISO dates as dates, an
 * empty key last either way; a second click reverses), and a filter bar's drop-downs hide the rows whose
 * `data-` value differs, with a count of the rows shown. It reads only attributes and text, never writes
 * markup, and fetches nothing: the page works from file:// with no server (pure).
 */
import { createHash } from "node:crypto"

export const reportScript = `"use strict";
(function () {
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  function keyOf(cell, kind) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (raw === "" || raw === "\\u2013") return null;
    if (kind === "number") {
      var number = Number.parseFloat(raw.replace(/[^0-9.eE+-]/g, ""));
      return Number.isNaN(number) ? null : number;
    }
    return raw;
  }
  function compare(a, b, kind) {
    if (kind === "number") return a - b;
    if (kind === "date") return a < b ? -1 : a > b ? 1 : 0;
    return collator.compare(a, b);
  }
  function sortBy(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var h = 0; h < headers.length; h++) headers[h].removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var kind = header.getAttribute("data-kind") || "text";
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, position) {
      return { row: row, position: position, key: keyOf(row.cells[index], kind) };
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.position - b.position;
        return a.key === null ? 1 : -1;
      }
      var order = compare(a.key, b.key, kind);
      return (ascending ? order : -order) || a.position - b.position;
    });
    rows.forEach(function (entry) { body.appendChild(entry.row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = header.querySelector("button");
      if (button) button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  });
  document.querySelectorAll(".filters").forEach(function (bar) {
    var table = bar.parentElement.querySelector("table");
    var selects = Array.prototype.slice.call(bar.querySelectorAll("select[data-filter]"));
    var count = bar.querySelector("output");
    function apply() {
      var rows = table.tBodies[0].rows;
      var shown = 0;
      for (var r = 0; r < rows.length; r++) {
        var row = rows[r];
        var visible = selects.every(function (select) {
          return select.value === "" || row.getAttribute(select.getAttribute("data-filter")) === select.value;
        });
        row.hidden = !visible;
        if (visible) shown++;
      }
      if (count) count.textContent = shown + " of " + rows.length;
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    apply();
  });
})();
`

/** The CSP source that allows exactly this text as an inline script or style: `'sha256-…'`. */
export const cspHash = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`
