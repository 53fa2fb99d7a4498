// Adds an empty row to a Django formset ("行を追加"): clones the <template> of the empty form,
// replaces __prefix__ with the next index and bumps TOTAL_FORMS. Without JavaScript the one
// extra row the server renders still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-add-row");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var container = document.querySelector('.formset[data-prefix="' + prefix + '"]');
      if (!total || !template || !container) { return; }
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      container.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = container.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
