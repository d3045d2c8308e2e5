// Node's EventEmitter, as much of it as PouchDB uses (on/once/emit/removeListener/…), for the
// browser. Methods are plain prototype properties: PouchDB copies them with Object.keys.
export default function EventEmitter() {
  this._events = new Map();
  this._maxListeners = 10;
}

function list(ee, type) {
  if (!ee._events) ee._events = new Map();
  let l = ee._events.get(type);
  if (!l) { l = []; ee._events.set(type, l); }
  return l;
}

EventEmitter.prototype.on = function (type, fn) {
  if (this._events && this._events.has('newListener')) this.emit('newListener', type, fn.listener || fn);
  list(this, type).push(fn);
  return this;
};
EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.prependListener = function (type, fn) { list(this, type).unshift(fn); return this; };
EventEmitter.prototype.once = function (type, fn) {
  const self = this;
  function wrapped(...args) { self.removeListener(type, wrapped); return fn.apply(self, args); }
  wrapped.listener = fn;
  return this.on(type, wrapped);
};
EventEmitter.prototype.removeListener = function (type, fn) {
  const l = this._events && this._events.get(type);
  if (!l) return this;
  const i = l.findIndex((x) => x === fn || x.listener === fn);
  if (i >= 0) {
    l.splice(i, 1);
    if (this._events.has('removeListener')) this.emit('removeListener', type, fn);
  }
  if (l.length === 0) this._events.delete(type);
  return this;
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.prototype.removeAllListeners = function (type) {
  if (!this._events) return this;
  if (type === undefined) this._events.clear(); else this._events.delete(type);
  return this;
};
EventEmitter.prototype.emit = function (type, ...args) {
  const l = this._events && this._events.get(type);
  if (!l || l.length === 0) {
    if (type === 'error') throw (args[0] instanceof Error ? args[0] : new Error('Unhandled error: ' + args[0]));
    return false;
  }
  for (const fn of l.slice()) fn.apply(this, args);
  return true;
};
EventEmitter.prototype.listeners = function (type) {
  const l = this._events && this._events.get(type);
  return l ? l.map((x) => x.listener || x) : [];
};
EventEmitter.prototype.rawListeners = function (type) {
  const l = this._events && this._events.get(type);
  return l ? l.slice() : [];
};
EventEmitter.prototype.listenerCount = function (type) {
  const l = this._events && this._events.get(type);
  return l ? l.length : 0;
};
EventEmitter.prototype.eventNames = function () { return this._events ? [...this._events.keys()] : []; };
EventEmitter.prototype.setMaxListeners = function (n) { this._maxListeners = n; return this; };
EventEmitter.prototype.getMaxListeners = function () { return this._maxListeners; };
EventEmitter.listenerCount = (ee, type) => ee.listenerCount(type);
EventEmitter.EventEmitter = EventEmitter;
export { EventEmitter };
