/* Copy buttons: copy the named read-only field (share links are shown once). */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var done = button.parentNode.parentNode.querySelector("[data-copied]");
      field.select();
      var copied = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject();
      copied.catch(function () { document.execCommand("copy"); }).then(function () {
        if (done) { done.hidden = false; }
      });
    });
  });
})();

/* Live participation counts on the report pages: poll live.json while the tab is visible. */
(function () {
  "use strict";
  var source = document.querySelector("[data-live-url]");
  var box = document.querySelector("p.live");
  if (!source || !box || !window.fetch) { return; }
  var url = source.getAttribute("data-live-url");
  var intervalMs = 15000;

  function refresh() {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        box.querySelectorAll("[data-live]").forEach(function (el) {
          var value = String(counts[el.getAttribute("data-live")]);
          if (el.textContent !== value) { el.textContent = value; }
        });
        box.hidden = false;
      })
      .catch(function () { /* offline: keep the last figures */ });
  }

  window.uxlabLive = { refresh: refresh };
  refresh();
  setInterval(function () { if (!document.hidden) { refresh(); } }, intervalMs);
})();
