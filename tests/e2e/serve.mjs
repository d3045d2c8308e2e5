// A small static server for dist/ with the single-page fallback, which a test can stop and
// restart on the same port (to show the app works with the web server gone).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// KEFU_DIST lets several builds be tested side by side; dist/ by default.
export const root = path.resolve(process.env.KEFU_DIST || path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist'));
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json',
};

const handler = (root, refuse) => (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (refuse(url.pathname)) { res.writeHead(503).end(); return; }
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
  res.writeHead(200, {
    'content-type': types[path.extname(file)] || 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  fs.createReadStream(file).pipe(res);
};

/** Serves `dir` (dist/ by default) on `port` (any free one by default). `refuseOnce`, a
 *  pattern of paths: the first request of one is answered 503 (a server failing for a moment);
 *  `refused` lists the paths so answered. */
export async function startServer(port = 0, dir = root, { refuseOnce } = {}) {
  let server;
  const refused = [];
  const refuse = (pathname) => {
    if (!refuseOnce || refused.length > 0 || !refuseOnce.test(pathname)) return false;
    refused.push(pathname);
    return true;
  };
  const listen = (p) => new Promise((resolve, reject) => {
    server = http.createServer(handler(dir, refuse));
    server.on('error', reject);
    server.listen(p, '127.0.0.1', () => resolve(server.address().port));
  });
  const actual = await listen(port);
  const api = {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    refused,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
    async start() { await listen(actual); },
  };
  return api;
}

/** Waits until the page is served by its service worker (installed, every file stored).
 *  Used by the e2e specs (through fixtures.mjs) and the benchmark's first-open figure.
 *  A worker that activates while the page is still loading does not take it: the spec's
 *  `clients.claim()` skips a client that is not yet execution-ready, so no `controllerchange`
 *  ever comes (a kiosk test hung on it for 90 s once). Only a new load is served by the worker
 *  then: the page is reloaded, as a user's next visit would be. */
export async function servedByWorker(page) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const served = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller) return true;
      return new Promise((r) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => r(true), { once: true });
        setTimeout(() => r(Boolean(navigator.serviceWorker.controller)), 5_000);
      });
    });
    if (served) return;
    await page.reload();
    await page.locator('html[data-boot]').waitFor({ state: 'attached', timeout: 20_000 });
  }
  throw new Error('the page is not served by its service worker after three loads');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startServer(Number(process.argv[2] || 8080));
  console.log(`serving ${root} at ${s.url}`);
}
