// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Keep the pages the reader has opened available offline (see /sw.js).
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
        if (navigator.serviceWorker.controller) return; // this page already came through the worker
        // First visit: the worker was not there when this page loaded, so hand it the page to keep.
        return navigator.serviceWorker.ready.then(function (registration) {
          var assets = [].map.call(document.querySelectorAll("link[rel=stylesheet], script[src]"), function (el) {
            return el.href || el.src;
          });
          if (registration.active) {
            registration.active.postMessage({ type: "keep-page", page: location.href.split("#")[0], assets: assets });
          }
        });
      }).catch(function () {});
    });
  }
  // Print the answers of closed questions too.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [].filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
