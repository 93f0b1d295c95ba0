"""flamegate's in-process agent for Python services.

Started by sitecustomize.py. It listens on 127.0.0.1 (an ephemeral port,
written with the pid to <control>/agent-<pid>.json) and does nothing until
flamegate sends, one JSON line per connection and with the token:

  {"cmd": "start", "cpu_hz": 200 | null, "alloc": "memray" | "tracemalloc" | null, "out": DIR}
  {"cmd": "stop"}

"start" opens the capture window: the built-in CPU sampler (used when
py-spy cannot attach) and/or allocation tracking. "stop" closes it and
writes the raw results into DIR (cpu.json, alloc.bin from memray,
alloc.json from tracemalloc); the reply names the files and carries notes.

A process forked from one with an agent (gunicorn's workers, multiprocessing's
fork start method) gets its own listener and hello file at once, so flamegate
can open the window in every worker.
"""

import json
import os
import socket
import sys
import sysconfig
import threading
import time

_state = {"window": None, "server": None, "control": None, "token": None, "memray": None}
_lock = threading.Lock()


def start(control, token):
    _state["control"] = control
    _state["token"] = token
    _state["memray"] = _memray_version()  # once: forked children inherit the answer
    _listen()
    # A forked child inherits this module but not the listener thread.
    os.register_at_fork(after_in_child=_restart_in_child)


def _listen():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))  # loopback only
    server.listen(4)
    _state["server"] = server
    thread = threading.Thread(
        target=_serve, args=(server, _state["token"]), name="flamegate-agent", daemon=True
    )
    thread.start()
    hello = {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "port": server.getsockname()[1],
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "sys_path": [p for p in sys.path if p],
        "cwd": os.getcwd(),
        "memray": _state["memray"],
        "perf": _perf_support(),
    }
    name = f"agent-{os.getpid()}.json"
    tmp = os.path.join(_state["control"], f".{name}.tmp")
    with open(tmp, "w") as f:
        json.dump(hello, f)
    os.replace(tmp, os.path.join(_state["control"], name))  # readers never see half a file


def _restart_in_child():
    global _lock
    try:
        # Only the forking thread survives a fork: the lock may have been held
        # by a thread the child does not have, and the listener is the parent's.
        _lock = threading.Lock()
        _state["server"].close()
        window = _state["window"]
        _state["window"] = None
        if window is not None:
            window.abandon()
        _listen()
    except Exception as err:  # the worker must run even if the agent cannot
        print(
            f"flamegate agent: not restarted in pid {os.getpid()}: {err!r}",
            file=sys.stderr,
            flush=True,
        )


def _perf_support():
    """Whether Linux perf can name this process's Python functions: 3.12+ writes
    /tmp/perf-PID.map entries for its trampolines (PYTHONPERFSUPPORT=1), and perf
    walks the C stack between them by frame pointers."""
    active = getattr(sys, "is_stack_trampoline_active", None)
    flags = f"{sysconfig.get_config_var('CFLAGS') or ''} {sysconfig.get_config_var('CONFIGURE_CFLAGS') or ''}"
    return {
        "trampoline": bool(active and active()),
        "frame_pointers": "-fno-omit-frame-pointer" in flags,
    }


def _memray_version():
    try:
        from importlib.metadata import version

        import memray  # noqa: F401

        return version("memray")
    except Exception:
        return None


def _serve(server, token):
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                request = json.loads(_read_line(conn))
                if request.get("token") != token:
                    reply = {"ok": False, "error": "bad token"}
                else:
                    reply = _handle(request)
            except Exception as err:
                reply = {"ok": False, "error": repr(err)}
            conn.sendall((json.dumps(reply) + "\n").encode())


def _read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode()


def _handle(request):
    with _lock:
        if request["cmd"] == "start":
            if _state["window"] is not None:
                return {"ok": False, "error": "a window is already open"}
            _state["window"] = _Window(request)
            return {"ok": True}
        if request["cmd"] == "stop":
            window = _state["window"]
            _state["window"] = None
            if window is None:
                return {"ok": False, "error": "no window is open"}
            return window.stop()
        return {"ok": False, "error": f"unknown command {request['cmd']!r}"}


class _Window:
    def __init__(self, request):
        self.out = request["out"]
        self.notes = []
        self.files = {}
        self.alloc = request.get("alloc")
        self.sampler = None
        self.tracker = None
        self.trace_before = None
        if self.alloc == "memray":
            import memray

            path = os.path.join(self.out, "alloc.bin")
            # Python allocators traced individually: otherwise small objects are
            # only seen as whole pymalloc arenas, attributed to whoever grew them.
            self.tracker = memray.Tracker(path, trace_python_allocators=True)
            self.tracker.__enter__()
            self.files["alloc"] = path
        elif self.alloc == "tracemalloc":
            import tracemalloc

            if tracemalloc.is_tracing():
                # The program traces already: diff against what is live now.
                self.trace_before = tracemalloc.take_snapshot()
                self.trace_started = False
            else:
                tracemalloc.start(64)
                self.trace_started = True
        if request.get("cpu_hz"):
            self.sampler = _Sampler(float(request["cpu_hz"]))
            self.sampler.start()

    def abandon(self):
        """In a child forked while the window was open: the window and its
        files are the parent's. memray stops tracing in a forked child by
        itself; tracemalloc would go on, at the child's expense."""
        if self.alloc == "tracemalloc" and self.trace_started:
            import tracemalloc

            tracemalloc.stop()

    def stop(self):
        if self.sampler is not None:
            self.sampler.halt()
            path = os.path.join(self.out, "cpu.json")
            with open(path, "w") as f:
                json.dump(self.sampler.export(), f)
            self.files["cpu"] = path
            self.notes.extend(self.sampler.notes)
        if self.tracker is not None:
            self.tracker.__exit__(None, None, None)
        if self.alloc == "tracemalloc":
            path = os.path.join(self.out, "alloc.json")
            with open(path, "w") as f:
                json.dump(self._tracemalloc_export(), f)
            self.files["alloc"] = path
        # sys.path as it is now: the script's directory is only added after sitecustomize ran.
        return {"ok": True, "files": self.files, "notes": self.notes, "sys_path": [p for p in sys.path if p]}

    def _tracemalloc_export(self):
        import tracemalloc

        snapshot = tracemalloc.take_snapshot()
        if self.trace_started:
            tracemalloc.stop()
        agent_files = (__file__, os.path.join(os.path.dirname(__file__), "sitecustomize.py"))
        snapshot = snapshot.filter_traces(
            [tracemalloc.Filter(False, f) for f in agent_files]
            + [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        if self.trace_before is not None:
            stats = [
                (s.traceback, s.size_diff, s.count_diff)
                for s in snapshot.compare_to(self.trace_before, "traceback")
            ]
        else:
            stats = [(s.traceback, s.size, s.count) for s in snapshot.statistics("traceback")]
        names = _FunctionNames()
        samples = []
        for traceback, size, count in stats:
            if size <= 0:
                continue
            # tracemalloc frames are most recent last; pprof stacks are leaf first.
            stack = [
                [names.lookup(f.filename, f.lineno), f.filename, f.lineno]
                for f in reversed(traceback)
            ]
            samples.append({"stack": stack, "values": [size, max(count, 0)]})
        return {"samples": samples}


class _FunctionNames:
    """tracemalloc frames have a file and line but no function: find the
    innermost def/class around the line in the source, as a qualified name."""

    def __init__(self):
        self.files = {}

    def lookup(self, filename, lineno):
        spans = self.files.get(filename)
        if spans is None:
            spans = self.files[filename] = _definitions(filename)
        best = None
        for start, end, name in spans:
            if start <= lineno <= end and (best is None or start >= best[0]):
                best = (start, end, name)
        return best[2] if best else "<module>"


def _definitions(filename):
    import ast

    try:
        with open(filename, "rb") as f:
            tree = ast.parse(f.read(), filename)
    except Exception:
        return []
    spans = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    spans.append((child.lineno, child.end_lineno or child.lineno, name))
                inner = name + "." if isinstance(child, ast.ClassDef) else name + ".<locals>."
                visit(child, inner)
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


class _Sampler(threading.Thread):
    """Samples every thread's Python stack at `hz`, counting a sample only
    for threads whose CPU clock advanced since the previous tick, so idle
    threads (blocked in accept, recv, locks) are left out as py-spy does."""

    def __init__(self, hz):
        super().__init__(name="flamegate-sampler", daemon=True)
        self.period = 1.0 / hz  # seconds between ticks
        self.counts = {}
        self.cpu_ns = {}
        self.stopping = threading.Event()
        self.notes = []
        self.ticks = 0
        self.late = 0

    def run(self):
        me = threading.get_ident()
        agent_threads = {t.ident for t in threading.enumerate() if t.name == "flamegate-agent"}
        next_tick = time.perf_counter()
        while not self.stopping.is_set():
            next_tick += self.period
            delay = next_tick - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                self.late += 1
                next_tick = time.perf_counter()  # fell behind: do not burst to catch up
            self.ticks += 1
            for ident, frame in sys._current_frames().items():
                if ident == me or ident in agent_threads:
                    continue
                try:
                    now = time.clock_gettime_ns(time.pthread_getcpuclockid(ident))
                except (OSError, OverflowError):
                    continue  # the thread ended meanwhile
                before = self.cpu_ns.get(ident)
                self.cpu_ns[ident] = now
                if before is None or now == before:
                    continue
                stack = []
                while frame is not None:
                    stack.append((frame.f_code, frame.f_lineno))
                    frame = frame.f_back
                key = tuple(stack)
                self.counts[key] = self.counts.get(key, 0) + 1

    def halt(self):
        self.stopping.set()
        self.join()
        if self.late > self.ticks // 10:
            self.notes.append(
                f"built-in sampler fell behind on {self.late} of {self.ticks} ticks; "
                "the effective rate was lower than asked"
            )

    def export(self):
        samples = []
        for key, count in self.counts.items():
            stack = [
                [getattr(code, "co_qualname", code.co_name), code.co_filename, lineno or 0]
                for code, lineno in key
            ]
            samples.append({"stack": stack, "values": [count]})
        return {"samples": samples, "ticks": self.ticks}
