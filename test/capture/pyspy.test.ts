import { describe, expect, it } from "vitest";
import { dropIdleSamples, isIdleLeaf, stripProcessFrames } from "../../src/capture/pyspy.js";

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

describe("py-spy samples of waiting threads", () => {
  // Lines of `py-spy record --nonblocking -f raw` (py-spy 0.4.3, Python 3.11)
  // on the Python fixture under 4 keep-alive connections.
  const RAW = [
    "<module> (app.py:159);main (app.py:149);BaseServer.serve_forever (socketserver.py:233);_PollLikeSelector.select (selectors.py:415) 4",
    "_bootstrap (threading.py:995);BaseHTTPRequestHandler.handle_one_request (http/server.py:410);SocketIO.readinto (socket.py:706) 299",
    "_bootstrap (threading.py:995);BaseHTTPRequestHandler.handle_one_request (http/server.py:410);SocketIO.readinto (socket.py:702) 1",
    "_bootstrap (threading.py:995);Handler.do_GET (app.py:118);work (app.py:104);hash_payload (app.py:72) 640",
    "_bootstrap (threading.py:995);Handler.do_GET (app.py:132);_SocketWriter.write (socketserver.py:834) 150",
    " 3",
    "",
  ].join("\n");

  it("leaves out blocking waits and keeps everything else, counts included", () => {
    const { text, total, idle } = dropIdleSamples(RAW);
    expect(text.split("\n")).toEqual([
      "_bootstrap (threading.py:995);Handler.do_GET (app.py:118);work (app.py:104);hash_payload (app.py:72) 640",
      // A socket write returns when the kernel has the bytes: it runs.
      "_bootstrap (threading.py:995);Handler.do_GET (app.py:132);_SocketWriter.write (socketserver.py:834) 150",
      " 3",
      "",
    ]);
    expect(total).toBe(1097);
    expect(idle).toEqual(
      new Map([
        ["_PollLikeSelector.select (selectors.py)", 4],
        ["SocketIO.readinto (socket.py)", 300],
      ]),
    );
  });

  it("matches a wait only as the innermost frame, by file and the method's own name", () => {
    expect(isIdleLeaf("readinto (socket.py:580)")).toBe(true); // Python < 3.11: no class in the name
    expect(isIdleLeaf("Condition.wait (threading.py:320)")).toBe(true);
    expect(isIdleLeaf("SocketIO.readinto (mylib/socket_utils.py:3)")).toBe(false);
    expect(isIdleLeaf("wait (app.py:12)")).toBe(false);
    expect(isIdleLeaf("not a frame")).toBe(false);
  });
});
