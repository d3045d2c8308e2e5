// store/idb.js: the IndexedDB loops that touch every row, kept in JS so that a page of rows
// crosses into wasm as ONE string (no call, no JSON.stringify per row). Used by idb_store.rs.
//
// A docs record is {_id, _rev, _deleted?, seq, ix_<name>: key…, b: body JSON text, t: revision
// record JSON text}; records written before schema 8 carry `b` as an object and no `t` (their
// tree is in the `revs` store).

function bodyText(b) {
  return typeof b === 'string' ? b : JSON.stringify(b === undefined ? null : b);
}

// One record as the JSON array [id, rev, deleted, seq, body, tree|null]; `null` when absent.
export function rowText(r, withTree) {
  if (r === undefined || r === null) return 'null';
  const tree = withTree && typeof r.t === 'string' ? r.t : 'null';
  return '[' + JSON.stringify(String(r._id)) + ',' +
    JSON.stringify(typeof r._rev === 'string' ? r._rev : '') + ',' +
    (r._deleted === true ? 'true' : 'false') + ',' +
    (typeof r.seq === 'number' ? r.seq : -1) + ',' + bodyText(r.b) + ',' + tree + ']';
}

// One record as [id, rev, seq, its index field `keyField`, body] for a typed read: the body's
// text with "_id" and "_rev" put in first, so that wasm reads the record straight from the
// text (a body whose text is not an object's is left as it is: it does not read as a record,
// and the page is read again as rows).
function recordText(r, keyField) {
  if (r === undefined || r === null) return 'null';
  const id = JSON.stringify(String(r._id));
  const rev = JSON.stringify(typeof r._rev === 'string' ? r._rev : '');
  const b = bodyText(r.b);
  const head = '{"_id":' + id + ',"_rev":' + rev;
  const body = b[0] !== '{' ? b : /^\{\s*\}$/.test(b) ? head + '}' : head + ',' + b.slice(1);
  const key = JSON.stringify(r[keyField] === undefined ? null : r[keyField]);
  return '[' + id + ',' + rev + ',' + (typeof r.seq === 'number' ? r.seq : -1) + ',' + key + ',' + body + ']';
}

// The JSON array of `values` in `shape`: 'rows' and 'trees' as rowText (the latter with the
// revision trees), 'records' as recordText.
function rowsText(values, shape, keyField) {
  const one = shape === 'records' ? (r) => recordText(r, keyField) : (r) => rowText(r, shape === 'trees');
  let s = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) s += ',';
    s += one(values[i]);
  }
  return s + ']';
}

// Every value of a cursor (direction 'next' or 'prev'), at most `limit` (0: all).
function cursorValues(source, range, dir, limit) {
  return new Promise((resolve, reject) => {
    const out = [];
    const req = source.openCursor(range === undefined ? null : range, dir);
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return resolve(out);
      out.push(c.value);
      if (limit > 0 && out.length >= limit) return resolve(out);
      c.continue();
    };
    req.onerror = () => reject(req.error);
  });
}

function valuesIn(source, range, dir, limit) {
  const query = range === undefined ? null : range;
  if (dir === 'next') {
    return new Promise((resolve, reject) => {
      const req = limit > 0 ? source.getAll(query, limit) : source.getAll(query);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  if (typeof source.getAllRecords === 'function') {
    return new Promise((resolve, reject) => {
      const opts = { query, direction: dir };
      if (limit > 0) opts.count = limit;
      const req = source.getAllRecords(opts);
      req.onsuccess = () => resolve(req.result.map((r) => r.value));
      req.onerror = () => reject(req.error);
    });
  }
  return cursorValues(source, range, dir, limit);
}

// The part of `range` from `key` on in `dir` (to `key`, going back), `key` included.
function rangeFrom(range, key, forward) {
  if (forward) {
    return range === undefined || range.upper === undefined
      ? IDBKeyRange.lowerBound(key)
      : IDBKeyRange.bound(key, range.upper, false, range.upperOpen);
  }
  return range === undefined || range.lower === undefined
    ? IDBKeyRange.upperBound(key)
    : IDBKeyRange.bound(range.lower, key, range.lowerOpen, false);
}

// Every value of an index's cursor in `dir` after the row (afterKey, afterId), at most `limit`:
// the range starts (ends, going back) at afterKey, whose rows the index keeps in primary-key
// order, so the cursor jumps to afterId with continuePrimaryKey and steps past it if it is still
// there. The row itself may be gone (deleted or moved since the last page): then the cursor
// lands on the next one. The rest of afterKey's rows are read by the cursor; once it reaches
// another key, the rows from that key on are read at once, as a first page is.
function valuesAfter(index, range, dir, limit, afterKey, afterId) {
  const forward = dir === 'next';
  return new Promise((resolve, reject) => {
    const out = [];
    // 0: first row, 1: just jumped, 2: reading afterKey's rows.
    let phase = 0;
    const req = index.openCursor(range === undefined ? null : range, dir);
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return resolve(out);
      const sameKey = indexedDB.cmp(c.key, afterKey) === 0;
      if (phase < 2 && sameKey) {
        const d = indexedDB.cmp(c.primaryKey, afterId);
        if (d === 0) { phase = 2; return c.continue(); }
        if (phase === 0 && (forward ? d < 0 : d > 0)) { phase = 1; return c.continuePrimaryKey(afterKey, afterId); }
      }
      phase = 2;
      if (!sameKey) {
        // The cursor stands on the first row of a later key: it and what follows, at once.
        const left = limit > 0 ? limit - out.length : 0;
        return valuesIn(index, rangeFrom(range, c.key, forward), dir, left)
          .then((more) => resolve(out.concat(more)), reject);
      }
      out.push(c.value);
      if (limit > 0 && out.length >= limit) return resolve(out);
      c.continue();
    };
    req.onerror = () => reject(req.error);
  });
}

// The rows of an index or store in a key range, after (afterKey, afterId) when afterKey is
// given: [text, values, last] where text is the JSON array of rows in `shape` (rowsText),
// values the records themselves (to find a damaged one when the text does not parse) and last
// the last record's position [its `keyField` (its index key), its _id], or undefined.
export async function readRows(source, range, dir, limit, keyField, shape, afterKey, afterId) {
  const values = afterKey === undefined
    ? await valuesIn(source, range, dir, limit)
    : await valuesAfter(source, range, dir, limit, afterKey, afterId);
  const last = values.length > 0 ? values[values.length - 1] : undefined;
  return [rowsText(values, shape, keyField), values, last === undefined ? undefined : [last[keyField], last._id]];
}

// The records of `keys` in one store, all requests in flight at once: [text, values].
export function getRows(store, keys, withTree) {
  return new Promise((resolve, reject) => {
    const n = keys.length;
    const out = new Array(n);
    let left = n;
    if (n === 0) return resolve(['[]', out]);
    for (let i = 0; i < n; i++) {
      const req = store.get(keys[i]);
      req.onsuccess = () => {
        out[i] = req.result;
        if (--left === 0) resolve([rowsText(out, withTree ? 'trees' : 'rows'), out]);
      };
      req.onerror = () => reject(req.error);
    }
  });
}

// String values of `keys` (legacy `revs` records) as one JSON array text (null when absent).
export function getTexts(store, keys) {
  return new Promise((resolve, reject) => {
    const n = keys.length;
    const out = new Array(n);
    let left = n;
    if (n === 0) return resolve('[]');
    for (let i = 0; i < n; i++) {
      const req = store.get(keys[i]);
      req.onsuccess = () => {
        out[i] = typeof req.result === 'string' ? req.result : 'null';
        if (--left === 0) resolve('[' + out.join(',') + ']');
      };
      req.onerror = () => reject(req.error);
    }
  });
}

// The changes after `since` from the by_seq index: JSON text of [[seq, id, rev, deleted]…].
export async function changeRows(index, range, limit) {
  const values = await valuesIn(index, range, 'next', limit);
  let s = '[';
  for (let i = 0; i < values.length; i++) {
    const r = values[i];
    if (i > 0) s += ',';
    s += '[' + (typeof r.seq === 'number' ? r.seq : -1) + ',' + JSON.stringify(String(r._id)) +
      ',' + JSON.stringify(typeof r._rev === 'string' ? r._rev : '') + ',' +
      (r._deleted === true ? 'true' : 'false') + ']';
  }
  return s + ']';
}

// Puts a batch of records (store/engine.rs `RecordBatch`): `heads` the JSON array of the records
// without body and tree, `texts` every body and tree text one after another, `cuts` their
// offsets (record i: body cuts[2i]..cuts[2i+1], tree cuts[2i+1]..cuts[2i+2], none when empty).
// One parse of the small heads and no escaped copy of any body; errors abort the transaction
// (with `add`, a record whose key exists is one: ConstraintError).
export function putRecords(store, heads, texts, cuts, add) {
  const records = JSON.parse(heads);
  if (cuts.length !== 2 * records.length + 1) throw new Error('putRecords: cuts do not match the records');
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const b0 = cuts[2 * i];
    const b1 = cuts[2 * i + 1];
    const t1 = cuts[2 * i + 2];
    r.b = texts.substring(b0, b1);
    if (t1 > b1) r.t = texts.substring(b1, t1);
    if (add) store.add(r); else store.put(r);
  }
  return records.length;
}

// The summary segments of a bucket range in parts of `per` records, every part requested at
// once, so that IndexedDB reads the later parts while the first are merged: resolves to an array
// of promises, one per part in key order, each of [keys, values] (as readSegments).
export function readSegmentParts(store, range, per) {
  return new Promise((resolve, reject) => {
    const req = store.getAllKeys(range);
    req.onsuccess = () => {
      const keys = req.result;
      const parts = [];
      for (let i = 0; i < keys.length; i += per) {
        const part = keys.slice(i, i + per);
        const get = store.getAll(IDBKeyRange.bound(part[0], part[part.length - 1]));
        const read = new Promise((ok, fail) => {
          get.onsuccess = () => ok([part, get.result]);
          get.onerror = () => fail(get.error);
        });
        // A failed part is the reader's to see when it comes to it (it may stop before).
        read.catch(() => {});
        parts.push(read);
      }
      resolve(parts);
    };
    req.onerror = () => reject(req.error);
  });
}

// The summary segments of a bucket range, keys [bucket, seq] and values (UTF-8 bytes of JSON
// text: copied into wasm as they are) read in one transaction: [keys, values].
export async function readSegments(store, range) {
  const get = (f) => new Promise((resolve, reject) => {
    const req = f();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return Promise.all([get(() => store.getAllKeys(range)), get(() => store.getAll(range))]);
}
