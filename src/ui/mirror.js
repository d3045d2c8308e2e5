// ui/mirror.js: a copy of this origin's `kefu.` localStorage entries in IndexedDB (database
// `kefu-mirror`, store `kv`). Chromium writes localStorage to disk seconds after a change, so
// a browser crash (or a power cut) lost what was typed just before it; IndexedDB commits at
// once. Used by ui/platform.rs.
//
// Every change, a write or a removal, is stamped (`kefu-mirror-t:<key>` in localStorage,
// beside the entry; not mirrored itself) and the copy keeps the entry with its stamp, a removal
// as a null value. At start-up, before any form reads a draft, the newer side wins:
// - the copy's, when a crash kept localStorage's last changes from disk: what was typed comes
//   back, and what was removed stays removed (a kiosk's submitted customer was taken up again
//   as an unfinished one when the removal did not reach disk);
// - localStorage's, when the page was left before the copy's write committed (a survey saved
//   and another page opened at once: the saved draft came back as unsaved).
// The copy's records of removals are dropped once both sides agree.

const STAMP = 'kefu-mirror-t:';
let opened = null;
let seq = 0;

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
  db().then((d) => {
    const tx = d.transaction('kv', 'readwrite');
    f(tx.objectStore('kv'), tx);
  }).catch(() => {});
}

// A stamp later than every earlier one of this page (several in one millisecond too).
function stamp() {
  seq = (seq + 1) % 1000;
  return Date.now() * 1000 + seq;
}

function stampOf(key) {
  const t = Number(localStorage.getItem(STAMP + key));
  return Number.isFinite(t) ? t : 0;
}

function record(key, value) {
  const t = stamp();
  try { localStorage.setItem(STAMP + key, String(t)); } catch (_) { /* the copy still has it */ }
  write((kv) => kv.put({ v: value, t }, key));
}

export function mirrorPut(key, value) {
  record(key, value);
}

export function mirrorDelete(key) {
  record(key, null);
}

// An earlier build kept the value alone, unstamped.
function held(entry) {
  return entry !== null && typeof entry === 'object' ? entry : { v: entry, t: 0 };
}

// Settles each entry between localStorage and the copy (the newer wins); resolves to how many
// entries came back from the copy.
export function mirrorRestore() {
  return db().then((d) => new Promise((resolve) => {
    const kv = d.transaction('kv').objectStore('kv');
    const keys = kv.getAllKeys();
    const values = kv.getAll();
    values.onsuccess = () => {
      let n = 0;
      const toCopy = [];
      const settled = [];
      const inCopy = new Set(keys.result);
      keys.result.forEach((k, i) => {
        const { v, t } = held(values.result[i]);
        const local = localStorage.getItem(k);
        const lt = stampOf(k);
        if (t === 0 && lt === 0) {
          // Both from an earlier build: as it did, only an entry localStorage lacks comes back.
          if (local === null && v !== null) {
            localStorage.setItem(k, v);
            n += 1;
          }
        } else if (lt > t) {
          if (local === null) settled.push([k, lt]);
          else toCopy.push([k, local, lt]);
        } else {
          // The copy's is as new or newer: what it holds (the stamp alone may have reached disk).
          if (local !== v) {
            if (v === null) {
              localStorage.removeItem(k);
            } else {
              localStorage.setItem(k, v);
              n += 1;
            }
          }
          localStorage.setItem(STAMP + k, String(t));
          if (v === null) settled.push([k, t]);
        }
      });
      // Stamped entries the copy never received (the page went before its first write).
      Object.keys(localStorage).filter((s) => s.startsWith(STAMP)).forEach((s) => {
        const k = s.slice(STAMP.length);
        if (inCopy.has(k)) return;
        const local = localStorage.getItem(k);
        if (local === null) localStorage.removeItem(s);
        else toCopy.push([k, local, stampOf(k)]);
      });
      if (toCopy.length || settled.length) write((store, tx) => {
        toCopy.forEach(([k, v, t]) => store.put({ v, t }, k));
        // Removals both sides agree on: the copy forgets them, then localStorage its stamp
        // (unless the entry was written again meanwhile).
        settled.forEach(([k]) => store.delete(k));
        tx.addEventListener('complete', () => settled.forEach(([k, t]) => {
          if (localStorage.getItem(k) === null && stampOf(k) === t) localStorage.removeItem(STAMP + k);
        }));
      });
      resolve(n);
    };
    values.onerror = () => resolve(0);
  })).catch(() => 0);
}
