/* Plain-language panel of the page editor: re-checks the form while the editor types.
 *
 * Progressive enhancement. Without this script the panel shows the server's analysis of the last saved
 * version. With it, a pause in typing posts the whole edit form (it carries the CSRF token) to the
 * readability endpoint, which answers with JSON including the panel's refreshed content (rendered and
 * escaped by the server). No inline script or style: the Content-Security-Policy forbids them.
 */
(function () {
  "use strict";

  var DELAY_MS = 1200;

  function initPanel(panel) {
    var form = panel.closest("form");
    var url = panel.getAttribute("data-readability-url");
    if (!form || !url || !window.fetch || !window.FormData) {
      return;
    }
    var results = panel.querySelector("[data-readability-results]");
    var source = panel.querySelector("[data-readability-source]");
    var status = panel.querySelector("[data-readability-status]");
    var language = panel.getAttribute("data-readability-language") || "";
    var timer = null;
    var controller = null;
    var lastSent = null;
    var lastSummary = null;

    function serialise(data) {
      var parts = [];
      data.forEach(function (value, key) {
        if (typeof value === "string" && key !== "csrfmiddlewaretoken") {
          parts.push(key + "=" + value);
        }
      });
      return parts.join("\u0000");
    }

    function showError() {
      source.textContent = panel.getAttribute("data-readability-error-text");
    }

    function refresh() {
      var data = new FormData(form);
      data.set("readability_language", language);
      var fingerprint = serialise(data);
      if (fingerprint === lastSent) {
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-Requested-With": "XMLHttpRequest",
          "X-CSRFToken": token ? token.value : "",
        },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (json) {
          lastSent = fingerprint;
          results.innerHTML = json.html;
          source.textContent = panel.getAttribute("data-readability-live-text");
          if (json.summary && json.summary !== lastSummary) {
            lastSummary = json.summary;
            status.textContent = json.summary;
          }
        })
        .catch(function (error) {
          if (!error || error.name !== "AbortError") {
            showError();
          }
        });
    }

    function schedule(event) {
      if (event && event.target && panel.contains(event.target)) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Rich text editors save into their hidden field a moment after a key press; also catch block moves.
    form.addEventListener("keyup", schedule);
    form.addEventListener("click", schedule);
  }

  function init() {
    var panels = document.querySelectorAll("[data-readability-panel]");
    Array.prototype.forEach.call(panels, initPanel);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
