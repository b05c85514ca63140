// Runs assets/sw.js in a bare V8 context with an in-memory Cache Storage and no network, and asks
// for three files of the build: a back-office route module the device never fetched (listed in
// BUILD.onDemand), another file it never fetched, and one it precached. Prints JSON for
// tests/unit/test_sw_on_demand.py.
import { ORIGIN, loadWorker } from "./sw_harness.mjs";

const [swPath] = process.argv.slice(2);
const BACK_OFFICE = "/assets/_beheer_._index-b.js";
const fetch = async () => { throw new TypeError("Failed to fetch"); }; // offline
const build = { version: "t", files: ["/assets/root-r.js"], pages: {}, fallback: "/index.html",
  onDemand: [BACK_OFFICE] };
const { listeners, caches } = loadWorker(swPath, { build, fetch });
await (await caches.open("buuv-shell-t")).put(ORIGIN + "/assets/root-r.js", new Response("root"));

async function ask(path) {
  let answered;
  listeners.fetch({ request: new Request(ORIGIN + path), respondWith: (p) => { answered = p; }, waitUntil: () => {} });
  try {
    const response = await answered;
    return { status: response.status, type: response.headers.get("Content-Type"), text: await response.text() };
  } catch (error) {
    return { failed: String(error) };
  }
}

const backOffice = await ask(BACK_OFFICE);
console.log(JSON.stringify({
  back_office: { status: backOffice.status, type: backOffice.type,
                 exports_default: /export default function/.test(backOffice.text || "") },
  other: await ask("/assets/_hulp_._index-x.js"),
  precached: await ask("/assets/root-r.js"),
}));
