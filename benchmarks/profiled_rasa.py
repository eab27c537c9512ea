"""`rasa run` with a stopwatch on each stage of a turn, and cProfile on demand, for
`make bench` (benchmarks/run.py). The same Rasa, the same arguments:

    python benchmarks/profiled_rasa.py OUT_DIR run --model ... --port ...

The stopwatches (a few microseconds a turn) wrap Rasa's own methods:
  turn              Agent.handle_message: the conversation lock and everything below
  tracker retrieve  MessageProcessor.get_tracker (the tracker store's retrieve)
  NLU               MessageProcessor.parse_message (the NLU graph)
  policies          MessageProcessor._predict_next_with_tracker (the policy graph)
  action server     RemoteAction.run (HTTP round trip, reply check, responses)
  other actions     the rest of MessageProcessor._run_action (listen, utter_*, slot events)
  tracker save      MessageProcessor.save_tracker (the tracker store's save)
  graph node NAME   each node of either graph (GraphNode.__call__), by node name

SIGUSR1 clears the stopwatches and starts a window; if OUT_DIR/mode says "cprofile",
cProfile runs too (it slows Python code, so the stage times come from a window
without it). SIGUSR2 ends the window: OUT_DIR/stages-MODE.json (and for cProfile
OUT_DIR/profile.pstats), then OUT_DIR/done-MODE.
"""
from __future__ import annotations

import cProfile
import functools
import inspect
import json
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

TOTALS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
_profile: cProfile.Profile | None = None
_mode = "stopwatch"


def _record(name: str, seconds: float) -> None:
    TOTALS[name] += seconds
    CALLS[name] += 1


def _timed(owner: type, method: str, name) -> None:
    """Wrap owner.method; `name` is a stage name or a function of the call's self."""
    original = getattr(owner, method)
    label = name if callable(name) else (lambda _self, _n=name: _n)

    if inspect.iscoroutinefunction(original):
        @functools.wraps(original)
        async def wrapper(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                _record(label(self), time.perf_counter() - started)
    else:
        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                _record(label(self), time.perf_counter() - started)
    setattr(owner, method, wrapper)


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.engine.runner.dask import DaskGraphRunner

    _timed(Agent, "handle_message", "turn")
    _timed(MessageProcessor, "get_tracker", "tracker retrieve")
    _timed(MessageProcessor, "parse_message", "NLU")
    _timed(MessageProcessor, "_predict_next_with_tracker", "policies")
    _timed(MessageProcessor, "_run_action", "actions (all)")
    _timed(MessageProcessor, "save_tracker", "tracker save")
    _timed(RemoteAction, "run", "action server")
    _timed(DaskGraphRunner, "run", "graph runs (all)")
    _timed(GraphNode, "__call__", lambda node: f"graph node {node._node_name}")


def _start(out: Path):
    def handler(*_) -> None:
        global _profile, _mode
        mode_file = out / "mode"
        _mode = mode_file.read_text().strip() if mode_file.exists() else "stopwatch"
        TOTALS.clear()
        CALLS.clear()
        if _mode == "cprofile":
            _profile = cProfile.Profile()
            _profile.enable()
    return handler


def _stop(out: Path):
    def handler(*_) -> None:
        global _profile
        if _profile is not None:
            _profile.disable()
            _profile.dump_stats(str(out / "profile.pstats"))
            _profile = None
        stages = {name: {"seconds": TOTALS[name], "calls": CALLS[name]} for name in TOTALS}
        (out / f"stages-{_mode}.json").write_text(json.dumps(stages, indent=1))
        (out / f"done-{_mode}").write_text("done")
    return handler


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for leftover in out.glob("*"):
        leftover.unlink()
    install()
    signal.signal(signal.SIGUSR1, _start(out))
    signal.signal(signal.SIGUSR2, _stop(out))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[2:]]
    rasa_main()


if __name__ == "__main__":
    main()
