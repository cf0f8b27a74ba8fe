// Keyboard navigation of the review queue: j/k (or arrows) move between flags, x selects, Enter opens.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]"));
  if (!rows.length) { return; }
  function index() { return rows.indexOf(document.activeElement); }
  function focusRow(i) { rows[Math.max(0, Math.min(rows.length - 1, i))].focus(); }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var i = index();
    if (event.key === "j" || event.key === "ArrowDown") { focusRow(i < 0 ? 0 : i + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { focusRow(i < 0 ? 0 : i - 1); event.preventDefault(); }
    else if (event.key === "x" && i >= 0) {
      var box = rows[i].querySelector("input[type=checkbox]");
      box.checked = !box.checked; event.preventDefault();
    }
    else if (event.key === "Enter" && i >= 0) { window.location = rows[i].getAttribute("data-href"); }
  });
})();
