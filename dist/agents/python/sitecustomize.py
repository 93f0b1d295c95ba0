"""flamegate's Python agent loader, put first on PYTHONPATH by flamegate.

It activates in every Python process of the service: the environment
variables stay set, so Python children the service spawns (subprocesses,
multiprocessing's spawn and forkserver start methods) load their own agent,
and the agent restarts itself in processes the service forks (gunicorn's
pre-forked workers, multiprocessing's fork). Each process announces itself
in its own hello file. Afterwards the next sitecustomize on sys.path (the
user's own, if any) still runs.
"""

import os
import sys


def _flamegate_activate():
    control = os.environ.get("FLAMEGATE_PY_AGENT")
    token = os.environ.get("FLAMEGATE_PY_AGENT_TOKEN")
    if not control or not token:
        return
    try:
        import flamegate_agent

        flamegate_agent.start(control, token)
    except Exception as err:  # the service must run even if the agent cannot
        print(f"flamegate agent: not started: {err!r}", file=sys.stderr, flush=True)


def _chain_next_sitecustomize():
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


_flamegate_activate()
_chain_next_sitecustomize()
