"use strict";
// flamegate's Node agent. flamegate injects it into the service it boots with
// NODE_OPTIONS="--require <this file>", so the service needs no code change.
// It opens a control channel on loopback only (an unref'd HTTP server on
// 127.0.0.1, random port, random token) and drives node:inspector's Profiler
// and HeapProfiler in the service's own process when flamegate asks.
//
// Plain CommonJS without dependencies: it runs inside the user's process.
// It activates only when FLAMEGATE_AGENT_DIR is set, only in the main thread,
// and only once: it deletes its variables from process.env, so the
// service's child processes and workers (which inherit NODE_OPTIONS) stay
// untouched. Package-manager launchers (npm start, npx, yarn, pnpm) pass the
// variables on to the Node process they start instead of activating.
//
// Protocol (JSON over HTTP, header x-flamegate-token required):
//   POST /start {cpuIntervalUs?: µs, allocBytes?: bytes} -> {ok, heapTaken}
//   POST /stop  -> {cpu?: .cpuprofile, alloc?: .heapprofile, heap?: .heapprofile,
//                   droppedSamples?: {alloc?, heap?}}
// The agent writes {pid, port, token, node, script} to $FLAMEGATE_AGENT_DIR/agent.json
// once it listens.
//
// CPU from boot (FLAMEGATE_AGENT_CPU=<µs>): the agent starts the CPU profile
// as it loads, before the service's own code, and at /start only notes the
// time; /stop keeps the samples from then on. V8's profiler learns of code
// compiled before a profile starts from the functions' code only, and code
// compiled on-stack (OSR) for a hot loop is not among it: its samples went
// to the caller. In the fixture, 13-40 % of the CPU samples of a function
// with a long loop landed in its caller after a 1-3 s warm-up. With the
// profile running since boot, every piece of code is seen as it is made.
//
// In-use heap ("heap"): V8 runs one sampling heap profiler at a time, and the
// allocation profile needs it during the window. So when
// FLAMEGATE_AGENT_HEAP=<bytes> is set the agent samples live objects from
// process start (before the service's own code) and takes that profile when
// the window opens: the heap that is live after boot and warm-up. Then the
// window's allocation sampling starts.

(function flamegateAgent() {
  dropV8Log();
  const dir = process.env.FLAMEGATE_AGENT_DIR;
  if (!dir) return;
  let isMainThread = true;
  try {
    isMainThread = require("node:worker_threads").isMainThread;
  } catch {
    // No worker_threads: a single thread.
  }
  if (!isMainThread) return;
  const script = process.argv[1] || "";
  if (
    /[\\/]node_modules[\\/](npm|pnpm|yarn|corepack|npx)[\\/]/.test(script) ||
    /(^|[\\/])(npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)(-cli)?(\.c?js)?$/.test(script)
  ) {
    return;
  }
  const heapBytes = Number(process.env.FLAMEGATE_AGENT_HEAP || 0);
  const bootCpuUs = Number(process.env.FLAMEGATE_AGENT_CPU || 0);
  const noInlining = process.env.FLAMEGATE_AGENT_NO_INLINING === "1";
  delete process.env.FLAMEGATE_AGENT_DIR;
  delete process.env.FLAMEGATE_AGENT_HEAP;
  delete process.env.FLAMEGATE_AGENT_CPU;
  delete process.env.FLAMEGATE_AGENT_NO_INLINING;
  // sampling.node-inlining: off. TurboFan decides per process which functions to
  // inline, so a function's samples moved between it and its caller from one round
  // to the next; without inlining every function keeps its frame. The flag is not
  // allowed in NODE_OPTIONS, and set here, before the service's code loads, it
  // holds for every compilation.
  if (noInlining) require("node:v8").setFlagsFromString("--no-turbo-inlining");

  const crypto = require("node:crypto");
  const fs = require("node:fs");
  const http = require("node:http");
  const inspector = require("node:inspector");
  const path = require("node:path");

  const session = new inspector.Session();
  session.connect();

  function post(method, params) {
    return new Promise((resolve, reject) => {
      session.post(method, params || {}, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }

  let heapProfile = null;
  let heapSampling = false;
  let cpuRunning = false;
  let allocRunning = false;
  // A CPU profile running since the agent loaded, and where its window starts (µs).
  let bootCpu = false;
  let windowStartUs = 0;

  if (bootCpuUs > 0) {
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: bootCpuUs });
    session.post("Profiler.start", (err) => {
      bootCpu = !err;
    });
  }

  // V8 stamps samples with the monotonic clock that process.hrtime reads.
  function nowUs() {
    return Number(process.hrtime.bigint() / 1000n);
  }

  // The samples of a profile running since boot that were taken from the
  // window's start on. Line ticks are dropped: they cover the whole profile.
  function fromWindowStart(profile, startUs) {
    const samples = [];
    const timeDeltas = [];
    const hits = new Map();
    let t = profile.startTime;
    let last = startUs;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas[i];
      if (t < startUs) return;
      samples.push(id);
      timeDeltas.push(t - last);
      last = t;
      hits.set(id, (hits.get(id) || 0) + 1);
    });
    const nodes = profile.nodes.map((node) => {
      const { positionTicks: _lineTicks, ...rest } = node;
      return { ...rest, hitCount: hits.get(node.id) || 0 };
    });
    return { ...profile, nodes, startTime: startUs, samples, timeDeltas };
  }

  if (heapBytes > 0) {
    // Without includeObjectsCollectedBy*GC, V8 drops samples whose objects die:
    // what remains is the live heap.
    session.post("HeapProfiler.startSampling", { samplingInterval: heapBytes }, (err) => {
      heapSampling = !err;
    });
  }

  async function start(req) {
    let heapTaken = false;
    if (heapSampling) {
      heapProfile = (await post("HeapProfiler.getSamplingProfile")).profile;
      await post("HeapProfiler.stopSampling");
      heapSampling = false;
      heapTaken = true;
    }
    if (req.allocBytes > 0) {
      await post("HeapProfiler.startSampling", {
        samplingInterval: req.allocBytes,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      allocRunning = true;
    }
    if (bootCpu && req.cpuIntervalUs === bootCpuUs) {
      windowStartUs = nowUs();
      cpuRunning = true;
    } else {
      // Asked for another rate, or for no CPU profile: the boot profile goes.
      if (bootCpu) await post("Profiler.stop");
      bootCpu = false;
      if (req.cpuIntervalUs > 0) {
        await post("Profiler.enable");
        await post("Profiler.setSamplingInterval", { interval: req.cpuIntervalUs });
        await post("Profiler.start");
        cpuRunning = true;
      }
    }
    return { ok: true, heapTaken };
  }

  // V8 occasionally lists samples whose node it already removed from the tree
  // (seen once in ~20 windows on Node 20, without a warm-up). The tree's
  // selfSize still holds their bytes; only the per-node sample count loses
  // them. Drop them so the profile is consistent, and say how many.
  function consistent(profile) {
    const ids = new Set();
    const stack = [profile.head];
    while (stack.length) {
      const node = stack.pop();
      ids.add(node.id);
      for (const child of node.children || []) stack.push(child);
    }
    const samples = profile.samples || [];
    const kept = samples.filter((s) => ids.has(s.nodeId));
    return { profile: { ...profile, samples: kept }, dropped: samples.length - kept.length };
  }

  async function stop() {
    const out = {};
    if (cpuRunning) {
      const profile = (await post("Profiler.stop")).profile;
      out.cpu = bootCpu ? fromWindowStart(profile, windowStartUs) : profile;
      await post("Profiler.disable");
      cpuRunning = false;
      bootCpu = false;
    }
    if (allocRunning) {
      const alloc = consistent((await post("HeapProfiler.stopSampling")).profile);
      out.alloc = alloc.profile;
      out.droppedSamples = { alloc: alloc.dropped };
      allocRunning = false;
    }
    if (heapProfile) {
      const heap = consistent(heapProfile);
      out.heap = heap.profile;
      out.droppedSamples = { ...out.droppedSamples, heap: heap.dropped };
      heapProfile = null;
    }
    return out;
  }

  const token = crypto.randomBytes(16).toString("hex");
  const server = http.createServer((req, res) => {
    const reply = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        connection: "close",
      });
      res.end(text);
    };
    if (req.headers["x-flamegate-token"] !== token || req.method !== "POST") {
      req.resume();
      reply(403, { error: "forbidden" });
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      } catch {
        reply(400, { error: "body is not JSON" });
        return;
      }
      const action = req.url === "/start" ? start(body) : req.url === "/stop" ? stop() : null;
      if (!action) {
        reply(404, { error: `unknown command ${req.url}` });
        return;
      }
      action.then(
        (result) => reply(200, result),
        (err) => reply(500, { error: String((err && err.message) || err) }),
      );
    });
  });
  // Never keep the service alive, never bind beyond loopback.
  server.unref();
  server.on("error", () => {
    // Losing the control channel must not crash the service; flamegate reports
    // the missing agent.json instead.
  });
  server.listen(0, "127.0.0.1", () => {
    const info = {
      pid: process.pid,
      port: server.address().port,
      token,
      node: process.version,
      script,
    };
    const file = path.join(dir, "agent.json");
    try {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(info), { mode: 0o600 });
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      server.close();
    }
  });
})();

// --perf-basic-prof (sampling.cpu-profiler: perf) makes V8 open a log,
// isolate-0x<address>-<pid>-v8.log, in the working directory before any script
// runs; Node 20 writes to it and leaves it in the user's tree, one per process
// and round. flamegate asked for the flag
// (FLAMEGATE_DROP_V8_LOG=1, kept in the environment so every Node process of the
// service drops its own), so the file goes, unless the process asked V8 for a
// log itself (--prof, --log*). V8 writes on into the unlinked file.
function dropV8Log() {
  if (process.env.FLAMEGATE_DROP_V8_LOG !== "1") return;
  const own = [...process.execArgv, process.env.NODE_OPTIONS || ""].join(" ");
  if (/(^|\s)--(prof|log)/.test(own)) return;
  const fs = require("node:fs");
  const name = new RegExp(`^isolate-0x[0-9a-f]+-${process.pid}-v8\\.log$`);
  try {
    for (const f of fs.readdirSync(".")) if (name.test(f)) fs.rmSync(f, { force: true });
  } catch {
    // An unreadable working directory: nothing of ours to drop.
  }
}
