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
