// The benchmark page's static server on 127.0.0.1: the Trunk build of bench/index.html
// (KEFU_BENCH_DIST, bench/dist by default), the harness in bench/web/, and the peers' browser
// files straight from node_modules under /peers/ (a fixed list: nothing else is served).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dist = path.resolve(process.env.KEFU_BENCH_DIST || path.join(here, 'dist'));
const nm = path.join(root, 'node_modules');

// uuid as pouchdb-browser resolves it (nested or hoisted), in its ES-module browser build.
const fromPouch = createRequire(path.join(nm, 'pouchdb-browser/lib/index.js'));
const uuidDir = path.join(path.dirname(fromPouch.resolve('uuid/package.json')), 'dist/esm-browser');

const peers = {
  '/peers/dexie.min.js': path.join(nm, 'dexie/dist/dexie.min.js'),
  '/peers/spark-md5.js': path.join(nm, 'spark-md5/spark-md5.js'),
  '/peers/vuvuzela.js': path.join(nm, 'vuvuzela/dist/vuvuzela.js'),
  '/peers/pouchdb-browser/index.es.js': path.join(nm, 'pouchdb-browser/lib/index.es.js'),
};

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
};

function resolve(pathname) {
  if (peers[pathname]) return peers[pathname];
  const under = (base, rel) => {
    const f = path.join(base, rel);
    return f.startsWith(base + path.sep) ? f : null;
  };
  if (pathname.startsWith('/peers/uuid/')) return under(uuidDir, pathname.slice('/peers/uuid/'.length));
  if (pathname.startsWith('/web/')) return under(path.join(here, 'web'), pathname.slice(5));
  if (pathname === '/' || pathname === '/index.html') return path.join(dist, 'index.html');
  return under(dist, pathname.slice(1));
}

function handler(req, res) {
  const { pathname } = new URL(req.url, 'http://x');
  const file = resolve(decodeURIComponent(pathname));
  if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': types[path.extname(file)] || 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  fs.createReadStream(file).pipe(res);
}

/** Starts the server on a loopback port (a free one unless `port` is given, e.g. to keep one
 * origin's databases between probe runs); resolves to { url, stop() }. */
export async function startBenchServer(listenPort = 0) {
  const server = http.createServer(handler);
  await new Promise((r, j) => { server.on('error', j); server.listen(listenPort, '127.0.0.1', r); });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
