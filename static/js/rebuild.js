// The rebuild button of the match-quality dashboard: starts a full rematch through the API
// (POST /api/admin/match-runs/) and follows its progress (GET /api/admin/match-runs/<id>/)
// until it is done or failed. The form still works without JavaScript (a normal POST).
(function () {
  "use strict";
  var form = document.getElementById("rebuild-form");
  if (!form || !window.fetch) { return; }
  var api = form.getAttribute("data-api");
  var button = document.getElementById("rebuild-button");
  var box = document.getElementById("rebuild-status");
  var bar = document.getElementById("rebuild-bar");
  var text = document.getElementById("rebuild-text");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function label(status) {
    return text.getAttribute("data-label-" + status) || status;
  }

  function show(run) {
    var pct = Math.round((run.progress || 0) * 100);
    box.hidden = false;
    bar.style.width = pct + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(pct));
    text.textContent = "#" + run.id + " " + label(run.status) + " · " +
      run.done_chunks + "/" + run.total_chunks + " (" + pct + "%)" +
      (run.error ? " — " + run.error : "");
    text.setAttribute("data-status", run.status);
  }

  function poll(id) {
    var delay = 1000;
    function tick() {
      fetch(api + id + "/", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (run) {
          show(run);
          if (run.status === "done" || run.status === "failed") {
            button.disabled = false;
            return;
          }
          delay = Math.min(delay * 1.3, 5000);
          window.setTimeout(tick, delay);
        })
        .catch(function () { button.disabled = false; });
    }
    button.disabled = true;
    tick();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (run) { show(run); poll(run.id); })
      .catch(function () { button.disabled = false; form.submit(); });
  });

  var current = form.getAttribute("data-run");
  if (current) { poll(current); }
})();
