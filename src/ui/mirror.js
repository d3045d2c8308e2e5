// ui/mirror.js: a copy of this origin's `kefu.` localStorage entries in IndexedDB (database
// `kefu-mirror`, store `kv`). Chromium writes localStorage to disk seconds after a change, so
// a browser crash (or a power cut) lost what was typed just before it; IndexedDB commits at
// once. At start-up an entry the crash lost is put back into localStorage before any form
// reads it (entries there are never overwritten). Used by ui/platform.rs.

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

export function mirrorPut(key, value) {
  write((kv) => kv.put(value, key));
}

export function mirrorDelete(key) {
  write((kv) => kv.delete(key));
}

// Puts back into localStorage every mirrored entry it does not have; resolves to how many.
export function mirrorRestore() {
  return db().then((d) => new Promise((resolve) => {
    const kv = d.transaction('kv').objectStore('kv');
    const keys = kv.getAllKeys();
    const values = kv.getAll();
    values.onsuccess = () => {
      let n = 0;
      keys.result.forEach((k, i) => {
        if (localStorage.getItem(k) === null) {
          localStorage.setItem(k, values.result[i]);
          n += 1;
        }
      });
      resolve(n);
    };
    values.onerror = () => resolve(0);
  })).catch(() => 0);
}
