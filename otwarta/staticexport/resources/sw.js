// Małopolska otwarta, emergency static copy: this service worker switches itself off.
// The live portal's worker keeps opened pages and caches assets; on a static mirror (often served under the
// portal's own address while the portal is down) it would keep serving stale copies. This one replaces it,
// deletes the portal's caches and unregisters, so every page comes from the mirror.
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("otwarta-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.registration.unregister(); })
  );
});
