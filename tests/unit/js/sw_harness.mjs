// assets/sw.js in a bare V8 context with an in-memory Cache Storage, for the node-run unit tests of
// the service worker (tests/unit/test_sw_*.py).
import { readFileSync } from "node:fs";
import vm from "node:vm";

export const ORIGIN = "https://buuv.test";

class MemoryCache {
  constructor() { this.entries = new Map(); }
  async match(request) { const hit = this.entries.get(key(request)); return hit ? hit.clone() : undefined; }
  async put(request, response) { this.entries.set(key(request), response); }
  async delete(request) { return this.entries.delete(key(request)); }
  async keys() { return [...this.entries.keys()].map((url) => new Request(url)); }
}
const key = (request) => (typeof request === "string" ? request : request.url);

function memoryCaches() {
  const stores = new Map();
  return {
    async has(name) { return stores.has(name); },
    async open(name) { if (!stores.has(name)) stores.set(name, new MemoryCache()); return stores.get(name); },
    async delete(name) { return stores.delete(name); },
    async keys() { return [...stores.keys()]; },
  };
}

// Runs the worker at `swPath` with `build` in place of its BUILD placeholder; returns its event
// listeners and its Cache Storage.
export function loadWorker(swPath, { build, fetch, Response: ResponseClass = Response }) {
  const caches = memoryCaches();
  const listeners = {};
  const self = { location: new URL(ORIGIN + "/"), addEventListener: (type, fn) => { listeners[type] = fn; } };
  const source = readFileSync(swPath, "utf8").replace("const BUILD = null;", `const BUILD = ${JSON.stringify(build)};`);
  vm.runInNewContext(source, { self, caches, fetch, Request, Response: ResponseClass, Headers, URL, Date, Map, Set,
    Promise, setTimeout, console });
  return { listeners, caches };
}
