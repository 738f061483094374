"""docs/benchmarks.md: its figures agree with each other and its commands exist.

The timings themselves are measurements and cannot be re-derived by a test; what can drift is
checked: each ratio is the quotient of the medians in its table (or, for bench_training's, the
median of its repeats' ratios that the table prints), the scores are TUTORIAL.md's,
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


def test_every_training_paths_ratios_are_the_quotients_and_the_musts_are_as_stated():
    text = SECTIONS["Every training path"]
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| ([\d.]+) (s|µs) \| ([\d.]+) (?:s|µs) \| "
                      r"([\d.]+) \| ([\d.]+|-) \| [^|]+ \| (yes|no|-) \|$", text, re.M)
    assert len(rows) == 6
    paired = {2: "online", 3: "scalar", 4: "minibatch"}  # bench_training's paired ratios
    for i, (name, _, ours, _, theirs, ratio, must, met) in enumerate(rows):
        quotient = float(ours) / float(theirs)
        if i in paired:  # the median of each repeat's ratio, as the script's table prints it
            assert re.search(rf"^\| {paired[i]} \| tinygrad_bp \| {ours} \| {ratio} \| yes \|$",
                             text, re.M), name
        else:
            assert abs(quotient - float(ratio)) <= 0.006 + 0.005 * quotient, name
        if met != "-":
            assert (met == "yes") == (float(ratio) <= float(must)), name
    # each figure is its own section's (or the training benchmark's table's)
    seeds = SECTIONS["The wheat seeds case study against the tutorial's own code"]
    for row in rows[:2]:
        assert f"| {row[2]} |" in seeds and f"| {row[4]} |" in seeds
    scalar = SECTIONS["Scalar graphs against micrograd"]
    assert f"| {rows[5][2]} |" in scalar and f"| {rows[5][4]} |" in scalar
    for workload, (ours, theirs) in {"online": rows[2][2:5:2], "scalar": rows[3][2:5:2],
                                     "minibatch": rows[4][2:5:2]}.items():
        assert re.search(rf"^\| {workload} \| tinygrad_bp \| {ours} \|", text, re.M)
        assert re.search(rf"^\| {workload} \| [^|]+ \| {theirs} \| [\d.]+ \| yes \|$",
                         text, re.M)
    build = re.search(r"^\| build `MLP\(784, \[256, 10\]\)` \| - \| ([\d.]+) s", text, re.M)
    assert float(build.group(1)) <= 0.05
    assert f"| build | tinygrad_bp | {build.group(1)} |" in text


def test_seeds_scores_quoted_are_the_tutorials():
    quoted = re.search(r"\(`(\[90\.4[^`]*\])`\)", DOC).group(1)
    assert eval(quoted) == SEEDS_SCORES


def test_every_command_shown_runs_an_existing_benchmark_with_known_options():
    commands = re.findall(r"^(?:[A-Z_]+=\S+ )*python (benchmarks/\S+\.py)(.*)$", DOC, re.M)
    assert len(commands) == 7
    for script, options in commands:
        help_text = subprocess.run([sys.executable, str(ROOT / script), "--help"],
                                   capture_output=True, text=True, check=True).stdout
        for option in re.findall(r"--[\w-]+", options):
            assert option in help_text


def test_drawing_figures_agree_with_their_table():
    text = SECTIONS["Drawing time against graph size"]
    rows = {int(n): (float(dot), float(svg)) for n, dot, svg in
            re.findall(r"^\| (\d+) \| ([\d.]+) \| ([\d.]+) \|", text, re.M)}
    assert sorted(rows) == [247, 499, 999, 1999, 4999]
    for nodes, (dot, svg) in rows.items():
        ratio = int(re.search(rf"^\| {nodes} \|.*\| (\d+) \|$", text, re.M).group(1))
        assert abs(svg / dot - ratio) <= 0.5 + 0.05 * ratio  # rounded medians, rounded ratio
    stated = [float(x) for x in re.findall(r"by\s+(\d\.\d)", text)]
    svg = {nodes: median for nodes, (_, median) in rows.items()}
    assert stated == [round(svg[1999] / svg[999], 1), round(svg[4999] / svg[1999], 1)]
    assert round(rows[999][1]) == 1 and f"{round(rows[4999][1])} s at 5,000" in text
    assert max(dot for dot, _ in rows.values()) < 0.2  # "the DOT text stays under 0.2 s"
    chapter = (ROOT / "docs" / "09-drawing.md").read_text(encoding="utf-8")
    assert f"second for 1,000 nodes and {round(rows[4999][1])} s for 5,000" in chapter


def test_cross_entropy_ratios_are_the_quotients_of_their_medians():
    text = SECTIONS["Cross-entropy from scores: the fused op against compositions"]
    rows = re.findall(r"^\| ([a-z_ ]+) \| ([\d.]+) \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|$",
                      text, re.M)
    medians = {name: float(median) for name, median, _ in rows}
    assert len(rows) == 4
    fused = medians["fused cross_entropy_with_logits"]
    for name, median, ratio in rows:
        assert abs(float(median) / fused - float(ratio)) <= 0.005, name
    softmax_route = medians["softmax then cross_entropy"]
    assert f"takes {fused / softmax_route:.2f} of the softmax route" in text
    checking = 1 - medians["the fused op alone"] / fused
    assert 0.15 < checking < 0.25 and "about a fifth of its own time goes" in text


def test_the_minibatch_parts_table_is_the_ratios_the_prose_states():
    text = SECTIONS["Every training path"]
    parts = dict(re.findall(r"^\| (ops in a line|tg\.trace replay|nn\.train) \| ([\d.]+) \|$",
                            text, re.M))
    assert sorted(parts) == ["nn.train", "ops in a line", "tg.trace replay"]
    low, high = (float(x) for x in re.search(
        r"no\s+engine, take ([\d.]+)-([\d.]+) of NumPy's\s+time", text).groups())
    assert low <= float(parts["ops in a line"]) <= high


def test_the_days_ranges_hold_the_tables_figures():
    """The prose's ranges and lists of runs agree with the tables they sit beside."""
    seeds = SECTIONS["The wheat seeds case study against the tutorial's own code"]
    low, high = (float(x) for x in re.search(r"gave ([\d.]+)-([\d.]+) in seven runs",
                                              seeds).groups())
    table = float(re.search(r"^\| tinygrad_bp \| [\d.]+ \|.* \| ([\d.]+) \| yes \|$", seeds,
                            re.M).group(1))
    assert low <= round(table, 2) <= high
    day_low, day_high = (float(x) for x in re.search(r"the case study ([\d.]+)-([\d.]+)",
                                                      DOC).groups())
    assert day_low <= low and high <= day_high  # the header's range for the day holds them
    scalar = SECTIONS["Scalar graphs against micrograd"]
    stated = float(re.search(r"= \*\*([\d.]+)\*\*, the median of five runs", scalar).group(1))
    runs = [float(x) for x in re.search(r"five runs that day \(([\d.,\s]+)\)", scalar)
            .group(1).replace(",", " ").split()]
    assert len(runs) == 5 and sorted(runs)[2] == stated
    micrograd, ours = _medians("Scalar graphs against micrograd", "micrograd", "tinygrad_bp")
    assert abs(ours / micrograd - stated) < 0.0015  # the table is that median run's (rounded)
    low, high = (float(x) for x in re.search(r"scalar MLP step\s+([\d.]+)-([\d.]+) over the day",
                                              DOC).groups())
    assert low <= round(min(runs), 2) and round(max(runs), 2) <= high  # stated to 2 places


def test_the_instruction_counts_agree_with_what_the_prose_makes_of_them():
    text = SECTIONS["Every training path"]
    ours, numpy = (float(x) for x in re.search(
        r"runs ([\d.]+) million instructions\s+against NumPy's ([\d.]+) million", text).groups())
    more = float(re.search(r"The ([\d.]+) million\s+more are about", text).group(1))
    assert abs((ours - numpy) - more) <= 0.1  # the difference of the rounded counts
    parts = re.search(r"more are about ([\d.]+) million .*?, ([\d.]+) million in Python's.*?"
                      r"and ([\d.]+) million in numpy", text, re.S).groups()
    assert sum(float(x) for x in parts) <= more  # "about": the parts named, not all of it
    run, before = (int(x) for x in re.search(
        r"took (\d+) million instructions against (\d+) million", text).groups())
    assert run < before
    # the fused updates' saving, as benchmarks.md and chapter 13 both state it
    seeds = SECTIONS["The wheat seeds case study against the tutorial's own code"]
    percent, fused, named = (int(x) for x in re.search(
        r"about (\d+)% fewer instructions a step, (\d+)\s+million against (\d+) million", seeds)
        .groups())
    assert round(100 * (1 - fused / named)) == percent
    chapter = (ROOT / "docs" / "13-replay.md").read_text(encoding="utf-8")
    assert f"about {percent}% fewer instructions a step" in chapter


def test_the_lists_of_runs_agree_with_their_ranges_and_medians():
    seeds = SECTIONS["The wheat seeds case study against the tutorial's own code"]
    low, high, listed, median = re.search(
        r"gave ([\d.]+)-([\d.]+) in seven runs\s+\(([\d.,\s]+): median ([\d.]+)\)", seeds).groups()
    runs = sorted(float(x) for x in listed.replace(",", " ").split())
    assert len(runs) == 7 and f"{runs[3]:.2f}" == median
    assert (f"{runs[0]:.2f}", f"{runs[-1]:.2f}") == (low, high)
    text = SECTIONS["Every training path"]
    listed = re.search(r"\(or 15\) gave ([\d.,\sand]+) with the ratios paired", text).group(1)
    paired = [float(x) for x in re.findall(r"[\d.]+", listed)]
    day = re.search(r"the minibatch step ([\d.]+)-([\d.]+)", DOC).groups()
    assert len(paired) == 10 and (f"{min(paired):.2f}", f"{max(paired):.2f}") == day
    table = re.search(r"^\| minibatch \| tinygrad_bp \| [\d.]+ \| ([\d.]+) \|", text, re.M)
    assert float(table.group(1)) in paired


def test_relu_ratio_is_the_quotient_of_its_times():
    text = SECTIONS["Every training path"]
    ours, theirs, ratio = re.search(r"took ([\d.]+) s for 10 epochs against ([\d.]+) s with\n"
                                    r"`compile=False`, a ratio of ([\d.]+)", text).groups()
    assert abs(float(ours) / float(theirs) - float(ratio)) <= 0.005
    assert "relu" in subprocess.run([sys.executable, str(ROOT / "benchmarks/bench_training.py"),
                                     "--help"], capture_output=True, text=True,
                                    check=True).stdout
