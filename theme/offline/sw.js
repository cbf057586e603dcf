// The site's service worker, filled in by `ballata build` from theme/offline/sw.js.
// It keeps the site's shell, every guide and the pages a reader opened, to read them without a
// connection. It asks the network first (so she always gets the latest words when online) and
// never any other server. A page that answers 404 is dropped; a new build empties every cache.
"use strict";
const CACHE = "ballata-" + /*VERSION*/;
const SHELL = /*SHELL*/;
const OFFLINE = /*OFFLINE*/;  // [home of a language, its offline page], the longest first
const ROOT = new URL("./", self.location).href;
const at = (path) => new URL(path, ROOT).href;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith("ballata-") && key !== CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim())
    .then(() => self.clients.matchAll({type: "window"}))
    // The page she installed it from is one she opened: keep it too.
    .then((open) => caches.open(CACHE).then((cache) => Promise.all(open
      .filter((client) => client.url.startsWith(ROOT))
      .map((client) => cache.add(client.url).catch(() => undefined))))));
});

const offlinePage = (url) => at((OFFLINE.find(([home]) => url.startsWith(at(home))) ||
                                 OFFLINE[OFFLINE.length - 1])[1]);

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // A recording (streamed in pieces, or downloaded to keep) goes past the cache: never kept twice.
  if (request.method !== "GET" || !request.url.startsWith(ROOT) || request.headers.has("range")
      || new URL(request.url).pathname.endsWith(".opus")) return;
  event.respondWith(caches.open(CACHE).then((cache) => fetch(request).then((response) => {
    if (response.ok && response.type === "basic") cache.put(request, response.clone());
    else if (response.status === 404 || response.status === 410) cache.delete(request);
    return response;
  }).catch(() => cache.match(request, {ignoreSearch: true})
    .then((kept) => kept || (request.mode === "navigate" ? cache.match(offlinePage(request.url))
                                                         : undefined))
    .then((answer) => answer || Response.error()))));
});
