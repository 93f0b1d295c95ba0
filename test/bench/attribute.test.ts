import { describe, expect, it } from "vitest";
import { classify } from "../../bench/attribute.js";

// Three samples as `perf script -F comm,ip,sym` prints them, cut from a real
// recording of the Node fixture with the CPU profiler at 1 kHz: V8's tick
// thread going to sleep, JavaScript on the main thread, and the main thread
// in V8's SIGPROF handler.
const DUMP = `v8:ProfEvntProc 
\tffffffff8144f164 futex_wait_setup
\tffffffff8144f25b __futex_wait
\t           85f16 __futex_abstimed_wait_common

node 
\t         151c501 Builtins_StoreIC
\t         14cfd1c Builtins_InterpreterEntryTrampoline
\t    7fe0540862bb [unknown]
\t          805618 node::Environment::RunTimers

node 
\t         10bedc5 v8::internal::TickSample::GetStackSample
\t         10bf179 v8::internal::TickSample::Init
\t         108d25e v8::internal::CpuSampler::SampleStack
\t          e3e74f v8::sampler::SamplerManager::DoSample
\t          e3e7bc v8::sampler::SignalHandler::HandleProfilerSignal
\t           3c050 __restore_rt
`;

describe("classify (bench:overhead --attribute)", () => {
  it("puts each sample in the first category its thread or one of its frames matches", () => {
    const shares = classify(DUMP, [
      { name: "tick thread", thread: /^v8:ProfEvntProc$/ },
      { name: "signal", frame: /HandleProfilerSignal|__restore_rt/ },
      // Also matches the tick thread's sample, which the first category took.
      { name: "futex", frame: /futex/ },
    ]);
    expect(shares.get("tick thread")).toBeCloseTo(100 / 3);
    expect(shares.get("signal")).toBeCloseTo(100 / 3);
    expect(shares.get("futex")).toBe(0);
  });

  it("gives every category 0 % when perf recorded no sample", () => {
    expect([...classify("", [{ name: "signal", frame: /__restore_rt/ }])]).toEqual([["signal", 0]]);
  });
});
