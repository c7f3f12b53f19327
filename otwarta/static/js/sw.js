// Małopolska otwarta service worker: pages the reader opened stay readable offline.
// HTML: network first, falling back to the saved copy. CSS/JS/images: cache first.
var VERSION = "otwarta-v1";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var MAX_PAGES = 60;

self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(VERSION) !== 0; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function trim(cacheName, max) {
  caches.open(cacheName).then(function (cache) {
    cache.keys().then(function (keys) {
      if (keys.length > max) { cache.delete(keys[0]).then(function () { trim(cacheName, max); }); }
    });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.indexOf("/admin") === 0 || url.pathname.indexOf("/healthz") === 0) return;
  if (req.mode === "navigate" || (req.headers.get("accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(PAGES).then(function (c) { c.put(req, copy); trim(PAGES, MAX_PAGES); });
      }
      return res;
    }).catch(function () {
      return caches.match(req).then(function (hit) {
        return hit || new Response("<!doctype html><meta charset=utf-8><title>Offline</title><p>Offline.</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok) { var copy = res.clone(); caches.open(ASSETS).then(function (c) { c.put(req, copy); }); }
        return res;
      });
    }));
  }
});
