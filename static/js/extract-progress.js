// A register extract is written by a worker: ask for its status every two seconds and
// show the page again once it has changed (the downloads appear when it is ready).
(function () {
  "use strict";
  var status = document.getElementById("extract-status");
  if (!status || !status.dataset.statusUrl) {
    return;
  }
  var shown = status.dataset.status;
  function poll() {
    fetch(status.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.status !== shown) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
