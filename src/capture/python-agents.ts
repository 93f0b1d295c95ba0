import { existsSync, readFileSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { FlamegateError } from "../errors.js";
import { childrenOf, isRunning } from "./proc-tree.js";

/**
 * flamegate's agents inside a Python service (agents/python): one per
 * Python process, each announcing itself in <control>/agent-<pid>.json and
 * answering one JSON line per loopback connection. The driver (python.ts)
 * opens and closes a window on all of them at once.
 */

export interface Hello {
  pid: number;
  ppid: number;
  port: number;
  python: string;
  implementation: string;
  executable: string;
  sys_path: string[];
  cwd: string;
  memray: string | null;
  /** Whether perf can name its Python frames: trampolines on (3.12+, PYTHONPERFSUPPORT) and frame pointers. */
  perf?: { trampoline: boolean; frame_pointers: boolean };
}

export interface AgentReply {
  ok: boolean;
  error?: string;
  files?: Partial<Record<"cpu" | "alloc", string>>;
  notes?: string[];
  sys_path?: string[];
}

/** The agent's process exited (or exec'd into another program) before it could answer. */
export class AgentGoneError extends FlamegateError {}

const HELLO_FILE = /^agent-(\d+)\.json$/;

/** Every agent that announced itself in this round, by pid. */
export function readHellos(control: string): Hello[] {
  if (!existsSync(control)) return [];
  return readdirSync(control, { withFileTypes: true })
    .filter((f) => f.isFile() && HELLO_FILE.test(f.name))
    .map((f) => JSON.parse(readFileSync(join(control, f.name), "utf8")) as Hello)
    .sort((a, b) => a.pid - b.pid);
}

/** Polls until `enough(hellos)` holds or `ms` milliseconds have passed; returns the last reading. */
export async function waitHellos(
  control: string,
  ms: number,
  enough: (hellos: Hello[]) => boolean,
): Promise<Hello[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hellos = readHellos(control);
    if (enough(hellos) || Date.now() >= deadline) return hellos;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The first agent met going down the service's process tree from `pid` (the
 * shell flamegate spawned), i.e. the service's outermost Python process:
 * the one whose subprocesses are its workers. Without /proc, or when none
 * is below `pid`, the running agent with the lowest pid.
 */
export function topmostAgent(pid: number, running: readonly Hello[]): Hello | undefined {
  const byPid = new Map(running.map((h) => [h.pid, h]));
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    const hello = byPid.get(p);
    if (hello) return hello;
    queue.push(...childrenOf(p));
  }
  return running[0];
}

/** One request to an agent: a JSON line in, a JSON line out, over loopback TCP. */
export function rpc(hello: Hello, token: string, body: object): Promise<AgentReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: hello.port });
    let data = "";
    socket.setTimeout(60_000, () =>
      socket.destroy(new Error("no answer from the agent within 60 s")),
    );
    socket.on("connect", () => socket.write(`${JSON.stringify({ ...body, token })}\n`));
    socket.on("data", (d: Buffer) => (data += d.toString()));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // Refused: nothing listens on the port any more, the process exited or exec'd.
      if (err.code === "ECONNREFUSED" || !isRunning(hello.pid))
        reject(new AgentGoneError(`python agent in pid ${hello.pid} is gone (${err.message})`));
      else
        reject(
          new FlamegateError(
            `python agent in pid ${hello.pid} did not answer (${err.message}); did the service exit?`,
          ),
        );
    });
    socket.on("end", () => {
      if (data === "" && !isRunning(hello.pid)) {
        reject(new AgentGoneError(`python agent in pid ${hello.pid} exited before answering`));
        return;
      }
      try {
        const reply = JSON.parse(data) as AgentReply;
        if (!reply.ok)
          reject(
            new FlamegateError(`python agent in pid ${hello.pid}: ${reply.error ?? "failed"}`),
          );
        else resolve(reply);
      } catch {
        reject(new FlamegateError(`python agent in pid ${hello.pid}: unreadable reply ${data}`));
      }
    });
  });
}

/**
 * Sends one request to every agent in parallel. Agents whose process is
 * gone are left out and counted (a worker that exited, a short-lived
 * helper); the first other failure is returned once every request has
 * settled, so the caller can close the windows that did open.
 */
export interface AgentReplies {
  replies: Array<{ hello: Hello; reply: AgentReply }>;
  /** Agents whose process had exited. */
  gone: number;
  failure?: Error;
}

export async function rpcAll(
  agents: readonly Hello[],
  token: string,
  body: (hello: Hello) => object,
): Promise<AgentReplies> {
  const settled = await Promise.allSettled(agents.map((h) => rpc(h, token, body(h))));
  const replies: AgentReplies["replies"] = [];
  let gone = 0;
  let failure: Error | undefined;
  settled.forEach((s, i) => {
    if (s.status === "fulfilled") replies.push({ hello: agents[i]!, reply: s.value });
    else if (s.reason instanceof AgentGoneError) gone++;
    else failure ??= s.reason instanceof Error ? s.reason : new Error(String(s.reason));
  });
  return failure === undefined ? { replies, gone } : { replies, gone, failure };
}
