import { describe, expect, it } from "vitest";
import { stripProcessFrames } from "../../src/capture/pyspy.js";

// Lines of `py-spy record --subprocesses -f raw` (py-spy 0.4.3) on a program
// that forks two busy children, attached once to the Python parent and once
// to the shell in front of it, whose command line holds a `;`.
const PARENT = "/root/.pyenv/versions/3.11.7/bin/python3 fork.py";
const RAW = [
  `process 20072:"${PARENT}";process 20158:"${PARENT}";<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 175`,
  `process 20072:"${PARENT}";process 20157:"${PARENT}";<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 190`,
  `process 20072:"${PARENT}";process 20157:"${PARENT}";<module> (fork.py:13);child (fork.py:8);burn (fork.py:5) 43`,
  `process 20643:"sh -c python3 fork.py; echo done";process 20644:"${PARENT}";process 20686:"${PARENT}";<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 65`,
  `process 20072:"${PARENT}" 3`,
  "",
].join("\n");

describe("py-spy --subprocesses output", () => {
  it("drops the process frames, keeps the rest, and counts samples per sampled process", () => {
    const { text, samplesByPid } = stripProcessFrames(RAW);
    expect(text.split("\n")).toEqual([
      "<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 175",
      "<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 190",
      "<module> (fork.py:13);child (fork.py:8);burn (fork.py:5) 43",
      "<module> (fork.py:13);child (fork.py:8);burn (fork.py:6) 65",
      // A sample with no Python frame, as py-spy writes it without --subprocesses.
      " 3",
      "",
    ]);
    expect([...samplesByPid].sort((a, b) => a[0] - b[0])).toEqual([
      [20072, 3],
      [20157, 233],
      [20158, 175],
      [20686, 65],
    ]);
  });

  it("finds the end of a process frame whose command line holds a quote and a semicolon", () => {
    const raw = 'process 7:"python3 -c x="a";f()";<module> (<string>:1);f (<string>:1) 9\n';
    expect(stripProcessFrames(raw).text).toBe("<module> (<string>:1);f (<string>:1) 9\n");
  });

  it("leaves output without process frames as it is", () => {
    const plain = "<module> (app.py:3);work (app.py:9) 12\n 4\n";
    expect(stripProcessFrames(plain)).toEqual({ text: plain, samplesByPid: new Map() });
  });
});
