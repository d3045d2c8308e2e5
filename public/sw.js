// Kefu service worker: serves the app shell and the wasm when the network is gone.
// scripts/post-build.sh fills in this build's id and file list after each Trunk build, so a
// new build installs a new cache and the old one is deleted on activation.
const BUILD = "__KEFU_BUILD__";
const ASSETS = __KEFU_ASSETS__;
const CACHE = "kefu-" + BUILD;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("kefu-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return; // sync endpoints are never cached
  if (req.mode === "navigate") {
    // Network first so a new build is seen at once; the cached shell when offline.
    event.respondWith(
      fetch(req).catch(() => caches.match("/index.html", { cacheName: CACHE }))
    );
    return;
  }
  event.respondWith(
    caches.match(req, { cacheName: CACHE }).then((hit) => hit || fetch(req))
  );
});
