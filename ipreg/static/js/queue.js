// The review queue: j/k (or arrows) move between records, x selects the record's flags, Enter opens its first
// flag; a record's box selects all its flags; one box selects every re-wording (low flag) on the page.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]"));
  if (!rows.length) { return; }
  function boxes(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function setRecord(row, checked) {
    row.querySelector("input.record-select").checked = checked;
    boxes(row, "input[name=flag]").forEach(function (box) { box.checked = checked; });
  }
  rows.forEach(function (row) {
    var box = row.querySelector("input.record-select");  // hidden without this script: it selects nothing itself
    if (box) {
      box.hidden = false;
      box.addEventListener("change", function () { setRecord(row, box.checked); });
    }
  });
  var all = document.getElementById("select-rewordings");
  if (all) {
    all.hidden = false;
    document.getElementById("select-rewordings-label").hidden = false;
    all.addEventListener("change", function () {
      boxes(document, "#queue input[name=flag][data-severity=low]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  function index() { return rows.indexOf(document.activeElement); }
  function focusRow(i) { rows[Math.max(0, Math.min(rows.length - 1, i))].focus(); }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || tag === "summary" || event.ctrlKey ||
        event.metaKey || event.altKey) {
      return;
    }
    var i = index();
    if (event.key === "j" || event.key === "ArrowDown") { focusRow(i < 0 ? 0 : i + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { focusRow(i < 0 ? 0 : i - 1); event.preventDefault(); }
    else if (event.key === "x" && i >= 0) {
      var box = rows[i].querySelector("input.record-select");
      if (box) { setRecord(rows[i], !box.checked); }
      event.preventDefault();
    }
    else if (event.key === "Enter" && i >= 0) { window.location = rows[i].getAttribute("data-href"); }
  });
})();
