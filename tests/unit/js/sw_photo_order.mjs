// Runs assets/sw.js in a bare V8 context with an in-memory Cache Storage and a fetch whose answers
// the script releases one by one, then asks: does a photo's kept copy follow the answer asked for
// last, whatever order the answers arrive in? Prints JSON for tests/unit/test_sw_photo_order.py.
import { ORIGIN, loadWorker } from "./sw_harness.mjs";

const [swPath] = process.argv.slice(2);
const PHOTO = ORIGIN + "/api/photos/abc";

// Responses of the same origin are "basic" in a browser; Node makes them "default".
class BasicResponse extends Response {
  get type() { return "basic"; }
  clone() { return Object.setPrototypeOf(super.clone(), BasicResponse.prototype); }
}

const answers = []; // fetches waiting to be answered, in the order they were made
function fetch() {
  let answer;
  const promise = new Promise((resolve) => { answer = resolve; });
  answers.push(answer);
  return promise;
}
const reply = (status, control) => new BasicResponse(status === 200 ? "jpeg" : null,
  { status, headers: { "Cache-Control": control } });

const build = { version: "t", files: [], pages: {}, fallback: "/index.html" };
const { listeners, caches } = loadWorker(swPath, { build, fetch, Response: BasicResponse });

function show() {
  const waits = [];
  let answered;
  listeners.fetch({
    request: new Request(PHOTO),
    respondWith: (promise) => { answered = promise; },
    waitUntil: (promise) => waits.push(promise),
  });
  return { answered: () => answered, settled: () => Promise.allSettled([answered, ...waits]) };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const kept = async () => Boolean(await (await caches.open("buuv-public-v1")).match(PHOTO));

// The photo is on the device from an earlier look while its post was open.
await (await caches.open("buuv-public-v1")).put(PHOTO, reply(200, "public, no-cache"));
const before = show();      // shown while the post is open: its check goes out...
await tick();
const after = show();       // ...the post closes, the photo is asked for again
await tick();
answers[1](reply(404, "no-store")); // the later question is answered first
await tick();
answers[0](reply(200, "public, no-cache")); // the earlier, slow "still open" comes in last
await Promise.all([before.settled(), after.settled()]);
console.log(JSON.stringify({ asked: answers.length, kept_after_close: await kept() }));
