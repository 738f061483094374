"""docs/benchmarks.md: its figures agree with each other and its commands exist.

The timings themselves are measurements and cannot be re-derived by a test; what can drift is
checked: each ratio is the quotient of the medians in its table, the scores are TUTORIAL.md's,
and every command shown runs a benchmark file that exists and accepts the options shown.
"""

import re
import subprocess
import sys
from pathlib import Path

from reference.tutorial_numbers import SEEDS_SCORES

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")


SECTIONS = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", DOC, re.M | re.S))


def _medians(section: str, first: str, second: str) -> tuple[float, float]:
    text = SECTIONS[section]
    rows = {}
    for name in (first, second):
        match = re.search(rf"^\| {re.escape(name)} \| ([\d.]+) \|", text, re.M)
        rows[name] = float(match.group(1))
    return rows[first], rows[second]


def test_scalar_ratio_is_the_quotient_of_its_medians():
    micrograd, ours = _medians("Scalar graphs against micrograd", "micrograd", "tinygrad_bp")
    stated = float(re.search(r"tinygrad_bp / micrograd = \*\*([\d.]+)\*\*", DOC).group(1))
    assert abs(ours / micrograd - stated) < 0.0015
    assert stated <= 1.0  # the goal


def test_seeds_ratio_is_the_quotient_of_its_medians():
    tutorial, ours = _medians("The wheat seeds case study against the tutorial's own code",
                              "tutorial (plain Python)", "tinygrad_bp")
    stated = float(re.search(r"tinygrad_bp / tutorial = \*\*([\d.]+)\*\*", DOC).group(1))
    assert abs(ours / tutorial - stated) < 0.006
    assert stated < 1.0  # the goal


def test_seeds_scores_quoted_are_the_tutorials():
    quoted = re.search(r"\(`(\[90\.4[^`]*\])`\)", DOC).group(1)
    assert eval(quoted) == SEEDS_SCORES


def test_every_command_shown_runs_an_existing_benchmark_with_known_options():
    commands = re.findall(r"^python (benchmarks/\S+\.py)(.*)$", DOC, re.M)
    assert len(commands) == 2
    for script, options in commands:
        help_text = subprocess.run([sys.executable, str(ROOT / script), "--help"],
                                   capture_output=True, text=True, check=True).stdout
        for option in re.findall(r"--[\w-]+", options):
            assert option in help_text
