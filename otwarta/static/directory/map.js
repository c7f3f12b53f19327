// The directory's map: progressive enhancement of the search page (the list works without it).
// Leaflet (vendored, ./leaflet/) and the places (JSON, same filters as the list) load only when the
// reader asks for the map. Configuration comes from data- attributes: the pages allow no inline script.
(function () {
  "use strict";
  var panel = document.getElementById("dir-map-panel");
  if (!panel || !window.fetch || !window.Promise) return;
  var d = panel.dataset;
  var button = panel.querySelector(".dir-map-toggle");
  var box = document.getElementById("dir-map");
  var message = panel.querySelector(".dir-map-message");
  var map = null;
  var busy = false;
  panel.hidden = false;

  function say(text) { message.textContent = text || ""; }

  function loadLeaflet() {
    return new Promise(function (resolve, reject) {
      if (window.L) { resolve(window.L); return; }
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = d.leafletCss;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = d.leafletJs;
      script.onload = function () { resolve(window.L); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadPoints() {
    return fetch(d.pointsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  function popup(point) {
    var wrap = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    if (point.lang && point.lang !== document.documentElement.lang) link.lang = point.lang;
    wrap.appendChild(link);
    if (point.address) {
      var address = document.createElement("p");
      address.textContent = point.address;
      address.lang = "pl";
      wrap.appendChild(address);
    }
    return wrap;
  }

  function build(L, data) {
    var maxZoom = parseInt(d.maxZoom, 10) || 18;
    map = L.map(box, { scrollWheelZoom: false, maxZoom: maxZoom });
    var failed = false;
    var tiles = L.tileLayer(d.tiles, {
      attribution: d.attribution, maxZoom: maxZoom, referrerPolicy: "strict-origin-when-cross-origin",
    });
    tiles.on("tileerror", function () {
      if (!failed) { failed = true; say(d.failedLabel); panel.classList.add("dir-map-failed"); }
    });
    tiles.addTo(map);
    var icon = L.icon({
      iconUrl: d.icon, iconRetinaUrl: d.icon2x, shadowUrl: d.shadow,
      iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41],
    });
    var bounds = [];
    data.points.forEach(function (point) {
      L.marker([point.lat, point.lng], { icon: icon, title: point.name, alt: point.name, keyboard: true })
        .bindPopup(popup(point)).addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    else map.setView([49.85, 20.1], 8); // Małopolska
    if (data.truncated && !failed) say(d.moreLabel);
  }

  function show(open) {
    box.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? d.hideLabel : d.showLabel;
  }

  button.addEventListener("click", function () {
    if (busy) return;
    if (!box.hidden) { show(false); return; }
    show(true);
    if (map) { map.invalidateSize(); return; }
    busy = true;
    say(d.loadingLabel);
    Promise.all([loadLeaflet(), loadPoints()]).then(function (results) {
      say("");
      build(results[0], results[1]);
    }).catch(function () {
      say(d.failedLabel);
      show(false);
    }).then(function () { busy = false; });
  });
})();
