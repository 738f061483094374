"""Derivative checks that find the bug, not just notice it.

- ``check_graph(y)``: every op node's rule in a recorded graph, checked at the inputs it saw,
  so the wrong op is named (``graph``; one node's rule against its forward in ``local``).
- ``taylor_test(f, *inputs)``: how fast the first-order remainder shrinks as the step halves,
  so a right gradient (order 2) is told from a wrong one (order 1) with no eps to choose
  (``taylor``).
- ``eps_sweep(f, *inputs)``: the central-difference error for every eps from 1e-1 to 1e-12,
  truncation against round-off (``sweep``; both look along lines through the inputs, ``line``).
"""

from .graph import GraphCheck, RuleMismatch, check_graph
from .sweep import EpsSweep, eps_sweep
from .taylor import TaylorReport, taylor_test

__all__ = ["EpsSweep", "GraphCheck", "RuleMismatch", "TaylorReport", "check_graph", "eps_sweep",
           "taylor_test"]
