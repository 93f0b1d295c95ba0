"""flamegate's Python agent loader, put first on PYTHONPATH by flamegate.

It activates only in the process flamegate started: the environment
variables are removed on import, so children of the service (subprocesses,
multiprocessing spawns) inherit PYTHONPATH but stay untouched. Afterwards
the next sitecustomize on sys.path (the user's own, if any) still runs.
"""

import os
import sys


def _flamegate_activate():
    control = os.environ.pop("FLAMEGATE_PY_AGENT", None)
    token = os.environ.pop("FLAMEGATE_PY_AGENT_TOKEN", None)
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
