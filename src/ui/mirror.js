// ui/mirror.js: a copy of this origin's `kefu.` localStorage entries in IndexedDB (database
// `kefu-mirror`, store `kv`). Chromium writes localStorage to disk seconds after a change, so
// a browser crash (or a power cut) lost what was typed just before it; IndexedDB commits at
// once. At start-up an entry the crash lost is put back into localStorage before any form
// reads it (entries there are never overwritten). Used by ui/platform.rs.
//
// A removal is marked in localStorage (`kefu-mirror-gone:<key>`, not mirrored itself) until the
// copy's delete commits: a page left or reloaded at once after a removal (a survey saved, then
// another page opened) had its delete aborted, and the next start put the removed draft back.
// The start-up drops every marked entry from the copy instead.

const GONE = 'kefu-mirror-gone:';
let opened = null;

function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const r = indexedDB.open('kefu-mirror', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('kv');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    opened.catch(() => { opened = null; });
  }
  return opened;
}

function write(f) {
  db().then((d) => f(d.transaction('kv', 'readwrite').objectStore('kv'))).catch(() => {});
}

function unmark(key, token) {
  try {
    if (token === undefined || localStorage.getItem(GONE + key) === token) localStorage.removeItem(GONE + key);
  } catch (_) { /* storage unavailable: nothing was marked */ }
}

// Deletes `key` from the copy, its mark (if any) lifted once the delete has committed, unless a
// later removal marked it again.
function drop(kv, key, token) {
  kv.delete(key);
  kv.transaction.addEventListener('complete', () => unmark(key, token));
}

export function mirrorPut(key, value) {
  unmark(key);
  write((kv) => kv.put(value, key));
}

export function mirrorDelete(key) {
  const token = `${Date.now()}.${Math.random()}`;
  try { localStorage.setItem(GONE + key, token); } catch (_) { /* the delete below still runs */ }
  write((kv) => drop(kv, key, token));
}

// Puts back into localStorage every mirrored entry it does not have; resolves to how many.
export function mirrorRestore() {
  return db().then((d) => new Promise((resolve) => {
    const kv = d.transaction('kv').objectStore('kv');
    const keys = kv.getAllKeys();
    const values = kv.getAll();
    values.onsuccess = () => {
      let n = 0;
      const gone = [];
      keys.result.forEach((k, i) => {
        const mark = localStorage.getItem(GONE + k);
        if (mark !== null) {
          gone.push([k, mark]);
        } else if (localStorage.getItem(k) === null) {
          localStorage.setItem(k, values.result[i]);
          n += 1;
        }
      });
      // Marks whose entry the copy no longer holds (their delete committed as the page went).
      const held = new Set(keys.result);
      Object.keys(localStorage)
        .filter((m) => m.startsWith(GONE) && !held.has(m.slice(GONE.length)))
        .forEach((m) => localStorage.removeItem(m));
      if (gone.length) write((kv) => gone.forEach(([k, mark]) => drop(kv, k, mark)));
      resolve(n);
    };
    values.onerror = () => resolve(0);
  })).catch(() => 0);
}
