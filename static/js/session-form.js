// The support-session form: show the participant count only for group kinds, and keep
// the tapped and the typed length from contradicting each other. Without this script
// every field shows and the server decides.
(function () {
  "use strict";
  document.querySelectorAll("form[data-group-kinds]").forEach(function (form) {
    var groupKinds = form.dataset.groupKinds.split(" ");
    var count = form.querySelector("[data-participant-count]");
    var kinds = form.querySelectorAll("input[name='kind']");
    var quickMinutes = form.querySelectorAll("input[name='minutes']");
    var otherMinutes = form.querySelector("input[name='other_minutes']");

    function showCountForGroups() {
      if (!count) {
        return;
      }
      var chosen = form.querySelector("input[name='kind']:checked");
      var isGroup = chosen !== null && groupKinds.indexOf(chosen.value) !== -1;
      var hasError = count.querySelector(".invalid-feedback") !== null;
      count.hidden = !isGroup && !hasError;
    }

    kinds.forEach(function (input) {
      input.addEventListener("change", showCountForGroups);
    });
    showCountForGroups();

    if (otherMinutes) {
      quickMinutes.forEach(function (input) {
        input.addEventListener("change", function () {
          otherMinutes.value = "";
        });
      });
      otherMinutes.addEventListener("input", function () {
        if (otherMinutes.value !== "") {
          quickMinutes.forEach(function (input) {
            input.checked = false;
          });
        }
      });
    }
  });
})();
