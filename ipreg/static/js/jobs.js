// Progress of a background job: poll its JSON once a second and reload the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-status") === "done" || box.getAttribute("data-status") === "failed") { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        document.getElementById("job-progress").value = job.percent;
        document.getElementById("job-message").textContent = job.message_shown || "";
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
