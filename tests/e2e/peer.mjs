// The sync test peer: PouchDB Server (npm pouchdb-server, in memory) on 127.0.0.1, started and
// killed by the tests. CORS is on for any origin with credentials (each test's app has its own
// port), set through a config file in a private temporary directory (pouchdb-server otherwise
// writes config.json and log.txt into the working directory).
//
// Databases and users are created BEFORE an admin is set: once an admin exists, PouchDB Server
// can crash on `PUT /newdb` (its known bug). Without `admin` the server stays in "admin party".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'node_modules/.bin/pouchdb-server');

let current = null;

// A worker that ends without stopPeer() (a failed test, an interrupted run) takes its peer along.
process.on('exit', () => {
  if (!current) return;
  current.child.kill('SIGKILL');
  fs.rmSync(current.dir, { recursive: true, force: true });
});

/** A port nothing listens on (yet): a server that is down. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url + '/');
      if (r.ok) return;
    } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`pouchdb-server did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function call(url, method, p, body, auth) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (auth) headers.authorization = 'Basic ' + Buffer.from(`${auth.name}:${auth.password}`).toString('base64');
  const r = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: r.status, body: json };
}

/**
 * Starts PouchDB Server in memory.
 * @param {object} o
 * @param {number} [o.port]    a fixed port (to restart on the same one); a free one otherwise
 * @param {string[]} [o.dbs]   databases to create
 * @param {{name:string,password:string,roles?:string[]}[]} [o.users]  users to create
 * @param {Object<string, object>} [o.security]  `_security` objects by database, set before the admin
 * @param {{name:string,password:string}} [o.admin]  an admin, set last
 * @returns {Promise<{url:string, port:number, request:Function}>}
 */
export async function startPeer({ port, dbs = ['kefu', 'kefu-responses'], users = [], security = {}, admin } = {}) {
  if (current) throw new Error('a peer is already running in this worker; stopPeer() first');
  port = port || await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-peer-'));
  const config = {
    httpd: { enable_cors: true },
    cors: {
      origins: '*',
      credentials: true,
      methods: 'GET, HEAD, POST, PUT, DELETE, COPY',
      headers: 'accept, accept-language, content-language, content-type, authorization, origin, referer',
    },
    log: { file: path.join(dir, 'log.txt'), level: 'warning' },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(bin, ['--in-memory', '--host', '127.0.0.1', '--port', String(port),
    '--config', path.join(dir, 'config.json'), '--no-stdout-logs'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: false,
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  current = { child, dir, port, url, admin, exited: new Promise((r) => child.on('exit', r)) };
  try {
    await waitUp(url);
  } catch (e) {
    await stopPeer();
    throw new Error(`${e.message}\n${output}`);
  }
  for (const db of dbs) {
    const r = await call(url, 'PUT', '/' + encodeURIComponent(db));
    if (r.status !== 201 && r.status !== 412) throw new Error(`creating ${db}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const u of users) {
    const r = await call(url, 'PUT', '/_users/org.couchdb.user:' + encodeURIComponent(u.name),
      { _id: 'org.couchdb.user:' + u.name, name: u.name, password: u.password, roles: u.roles || [], type: 'user' });
    if (r.status >= 300) throw new Error(`creating user ${u.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const [db, sec] of Object.entries(security)) {
    const r = await call(url, 'PUT', `/${encodeURIComponent(db)}/_security`, sec);
    if (r.status >= 300) throw new Error(`setting ${db}'s _security: ${r.status} ${JSON.stringify(r.body)}`);
  }
  if (admin) {
    const r = await call(url, 'PUT', '/_config/admins/' + encodeURIComponent(admin.name), admin.password);
    if (r.status >= 300) throw new Error(`setting the admin: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const request = (method, p, body) => call(url, method, p, body, admin);
  return { url, port, request };
}

/** Starts passing connections to `port` on to the peer's own port: a server, ready with its
 *  users and databases, that comes up on `port` at once. Returns a function that stops it. */
export async function forward(port, toPort) {
  const open = new Set();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(toPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    proxy.on('error', reject);
    proxy.listen(port, '127.0.0.1', resolve);
  });
  return async () => {
    for (const s of open) s.destroy();
    await new Promise((r) => proxy.close(r));
  };
}

/** Kills the peer (SIGKILL: as abrupt as a crash) and waits until it is gone. */
export async function stopPeer() {
  if (!current) return;
  const { child, dir, exited } = current;
  current = null;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Document ids (not design documents) in a database of the running peer (asked as its admin,
 *  if it has one). */
export async function peerIds(db) {
  if (!current) throw new Error('no peer running');
  const r = await call(current.url, 'GET', `/${encodeURIComponent(db)}/_all_docs`, undefined, current.admin);
  return (r.body.rows || []).map((row) => row.id).filter((id) => !id.startsWith('_design/'));
}
