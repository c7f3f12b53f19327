// Małopolska otwarta service worker: pages the reader opened stay readable offline.
// HTML: network first, falling back to the saved copy. CSS/JS/images: cache first.
var VERSION = "otwarta-v1";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var MAX_PAGES = 60;
// Shown for a page that was never opened while online; the worker does not know the reader's language.
var OFFLINE = "<!doctype html><html lang=pl><meta charset=utf-8><meta name=viewport content=\"width=device-width\">" +
  "<title>Offline</title><h1>Offline</h1><p>Brak połączenia z internetem. Strony otwarte wcześniej są nadal dostępne.</p>" +
  "<p lang=en>You are offline. Pages you have opened before are still available.</p>" +
  "<p lang=uk>Немає з'єднання з інтернетом. Сторінки, які ви вже відкривали, доступні.</p>" +
  "<p lang=ru>Нет подключения к интернету. Страницы, которые вы уже открывали, доступны.</p>" +
  "<p lang=be>Няма злучэння з інтэрнэтам. Старонкі, якія вы ўжо адкрывалі, даступныя.</p>" +
  "<p lang=ka>ინტერნეტთან კავშირი არ არის. უკვე გახსნილი გვერდები ხელმისაწვდომია.</p>" +
  "<p><a href=\"/\">Małopolska otwarta</a></p>";

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

function keep(cacheName, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (res) {
    if (res.ok) return caches.open(cacheName).then(function (c) { return c.put(url, res); });
  }).catch(function () {});
}

// site.js sends the page that was open before the worker took over (the reader's first visit).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep-page" || typeof data.page !== "string") return;
  var same = function (u) {
    try { return new URL(u).origin === location.origin; } catch (e) { return false; }
  };
  var jobs = (Array.isArray(data.assets) ? data.assets : []).filter(same).map(function (u) { return keep(ASSETS, u); });
  if (same(data.page) && new URL(data.page).pathname.indexOf("/admin") !== 0) {
    jobs.push(keep(PAGES, data.page).then(function () { trim(PAGES, MAX_PAGES); }));
  }
  event.waitUntil(Promise.all(jobs));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.indexOf("/admin") === 0 || url.pathname.indexOf("/healthz") === 0) return;
  if (req.mode === "navigate" || (req.headers.get("accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(fetch(req).then(function (res) {
      // Pages marked no-store (the situation guide's checklist, a pathway with the reader's answers) hold
      // personal answers: never keep them in the offline cache of a possibly shared device.
      if (res.ok && (res.headers.get("cache-control") || "").indexOf("no-store") === -1) {
        var copy = res.clone();
        caches.open(PAGES).then(function (c) { c.put(req, copy); trim(PAGES, MAX_PAGES); });
      }
      return res;
    }).catch(function () {
      return caches.match(req, { ignoreVary: true }).then(function (hit) {
        return hit || new Response(OFFLINE,
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok) { var copy = res.clone(); caches.open(ASSETS).then(function (c) { c.put(req, copy); }); }
        return res;
      });
    }));
  }
});
