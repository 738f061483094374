"""docs/07-case-study.md prints only numbers that the code computes.

- every ```console block is a command and its real output (the ``Time:`` line masked). The
  default ``tinygrad-bp seeds`` is the suite's one 500-epoch run (the ``seeds_default``
  fixture, conftest.py); ``--json`` with the defaults is checked against that run's scores
  (test_cli checks that ``--json`` prints exactly ``json.dumps`` of the scores and their mean);
- every ```text block is a piece of the default run's output;
- every ```pycon block runs as a doctest, in order, in a folder holding the chapter's CSV files;
- the usage line and the option table match the parser;
- every number in the prose is either rebuilt here from the data, the default run or the code
  (``test_prose_claims``), or appears in a checked block, or is one of a few non-data numbers
  (``NOT_DATA``). (test_docs_links checks its links.)
"""
from __future__ import annotations

import ast
import doctest
import io
import json
import random
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from reference.markdown import parse
from test_casestudy import STACKED_ATOL
from test_cli import OPTIONS

from tinygrad_bp import casestudy, cli
from tinygrad_bp.data import kfold_indices, load_csv, load_wheat_seeds, minmax

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "07-case-study.md"
FAST = {"TINYGRAD_BP_FAST": "1"}
TIME = re.compile(r"^Time: \d+\.\d s$", re.M)
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?(?![\w])")
WORDS = {3: "three", 5: "five", 7: "seven"}
NOT_DATA = {
    "7": "the chapter's number", "6": "chapter 6, linked",
    "2010": "the data set's citation year", "4.0": "the licence, CC BY 4.0",
    "0": "the range [0, 1) and labels 0 .. n - 1", "1": "the range [0, 1)",
}


TEXT = CHAPTER.read_text(encoding="utf-8")
BLOCKS, PROSE = parse(TEXT)
FLAT = " ".join(PROSE.split())  # the prose with line breaks undone
CONSOLE = [b for b in BLOCKS if b["lang"] == "console"]


def mask(text: str) -> str:
    return TIME.sub("Time: (masked)", text)


@pytest.fixture
def default_output(seeds_default) -> str:
    """What ``tinygrad-bp seeds`` prints with every default."""
    assert seeds_default.status == 0 and seeds_default.stderr == ""
    return seeds_default.stdout


def default_confusion(output: str) -> list[list[int]]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Confusion matrix"))
    return [[int(v) for v in line.split()[1:]] for line in lines[start + 2:start + 5]]


def default_scores(output: str) -> list[float]:
    line = next(line for line in output.splitlines() if line.startswith("Scores: "))
    return ast.literal_eval(line[len("Scores: "):])


def write_csv_files(folder: Path) -> None:
    """Every CSV file the chapter shows (named in the line above the block), into ``folder``."""
    for block in BLOCKS:
        if block["lang"] == "csv":
            [name] = re.findall(r"`([\w.-]+\.csv)`", block["above"])
            (folder / name).write_text(block["body"])


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding every CSV file the chapter shows, as the current directory."""
    write_csv_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_command(command: str, default_output: str, examples, capsys) -> str:
    """What ``command`` prints (stdout, then stderr), run as the chapter says."""
    argv = shlex.split(command)
    env = {}
    while "=" in argv[0]:
        name, value = argv.pop(0).split("=", 1)
        env[name] = value
    if argv[0] == "tinygrad-bp":
        args = argv[1:]
        if [a for a in args if a not in ("--json", "--quiet")] == ["seeds"]:  # the default run
            if "--json" not in args:
                return default_output
            scores = default_scores(default_output)
            return json.dumps({"scores": scores, "mean": sum(scores) / len(scores)}) + "\n"
        assert not env
        cli.main(args)
        out, err = capsys.readouterr()
        return out + err
    assert argv[:2] == ["python", "examples/11_case_study.py"] and env in ({}, FAST), command
    return "".join(line + "\n" for line in examples("11_case_study", *argv[2:], fast=env == FAST))


# --- the blocks -------------------------------------------------------------------------------

@pytest.mark.parametrize("block", CONSOLE, ids=[b["body"].splitlines()[0] for b in CONSOLE])
def test_console_blocks_are_real_output(block, workdir, default_output, examples, capsys):
    command, *shown = block["body"].splitlines()
    assert command.startswith("$ ")
    real = run_command(command[2:], default_output, examples, capsys)
    assert mask("\n".join(shown) + "\n") == mask(real)


def test_the_chapter_shows_the_default_run_and_the_tutorials_scores():
    commands = [b["body"].splitlines()[0] for b in CONSOLE]
    assert "$ tinygrad-bp seeds" in commands and "$ tinygrad-bp seeds --json" in commands
    assert ("Scores: [90.47619047619048, 92.85714285714286, 97.61904761904762, "
            "92.85714285714286, 92.85714285714286]") in TEXT
    assert "Mean Accuracy: 93.333%" in TEXT


def test_text_blocks_are_part_of_the_default_output(default_output):
    output = default_output
    texts = [b["body"] for b in BLOCKS if b["lang"] == "text"]
    assert texts
    for body in texts:
        assert body in output


def test_pycon_blocks_run(workdir):
    globs: dict = {}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    pycon = [b for b in BLOCKS if b["lang"] == "pycon"]
    assert len(pycon) >= 5
    for number, block in enumerate(pycon):
        test = doctest.DocTestParser().get_doctest(block["body"], globs, f"pycon {number}",
                                                   str(CHAPTER), 0)
        runner.run(test, out=report.write, clear_globs=False)
        globs = test.globs  # DocTest works on a copy: carry the names on to the next block
    assert runner.failures == 0, report.getvalue()


def test_usage_line_and_option_table_match_the_parser(capsys):
    [usage] = [b["body"] for b in BLOCKS if b["lang"] == "" and "tinygrad-bp seeds" in b["body"]]
    assert re.findall(r"--\w+", usage) == OPTIONS
    defaults = cli.build_parser().parse_args(["seeds"])
    table = dict(re.findall(r"^\| `(--\w+)[^`]*` \| ([^|]+) \|", PROSE, re.M))
    assert list(table) == OPTIONS
    for option in ["--seed", "--folds", "--epochs", "--lr", "--hidden"]:
        value = getattr(defaults, option[2:])
        assert table[option].strip() == str(value)
        assert f"[{option} {value}]" in usage
    assert defaults.data is None and table["--data"].strip() == "the bundled seeds data"
    assert not defaults.json and not defaults.quiet
    assert table["--json"].strip() == table["--quiet"].strip() == "off"


# --- the prose --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def claims(seeds_default, tmp_path_factory) -> list[str]:
    """Each sentence (or piece) of the prose that states a number, rebuilt from the code.

    Computed once for the two tests that use it, in a folder holding the chapter's CSV files.
    """
    folder = tmp_path_factory.mktemp("chapter-07")
    write_csv_files(folder)
    output = seeds_default.stdout
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(folder)
        return rebuilt_claims(output, monkeypatch)


def rebuilt_claims(output: str, monkeypatch) -> list[str]:
    features, labels, classes = load_wheat_seeds()
    n_rows, n_features = features.shape
    settings = cli.build_parser().parse_args(["seeds"])
    k, n_epoch, n_hidden, lr = settings.folds, settings.epochs, settings.hidden, settings.lr
    per_class = np.bincount(labels).tolist()
    assert per_class == [per_class[0]] * len(classes)
    fold_size = int(n_rows / k)
    n_train = (k - 1) * fold_size
    mins, maxs = minmax(features)

    # What cross_validate hands to nn.train (it looks train up at call time).
    seen = {}
    train = casestudy.train

    def recording(model, inputs, *args, **kwargs):
        seen["weights"], seen["rows"] = [w.shape for w in model.get_weights()], inputs.shape
        seen["biases"] = [layer.b.shape for layer in model.layers]
        return train(model, inputs, *args, **kwargs)

    monkeypatch.setattr(casestudy, "train", recording)
    casestudy.cross_validate(load_wheat_seeds(), n_epoch=1)
    (h_k, h_n, h_in), (o_k, o_n, o_in) = seen["weights"]
    assert seen["biases"] == [(h_k, h_n, 1), (o_k, o_n, 1)]
    assert seen["rows"] == (k, n_train, n_features)

    m = default_confusion(output)
    total, trace = sum(map(sum, m)), sum(m[i][i] for i in range(3))
    rows, cols = [sum(r) for r in m], [sum(c) for c in zip(*m)]
    assert rows == per_class  # every row is held out once
    assert m[1][2] == m[2][1] == 0 and m[1][1] == m[2][2] and rows[1] == rows[2]
    assert all(m[i][j] == 0 for i in range(3) for j in range(3) if i != j and 0 not in (i, j))
    area = [features[labels == c, 0].mean() for c in range(3)]
    assert area[2] < area[0] < area[1]  # Kama (1) between Canadian (3) and Rosa (2)
    scores = default_scores(output)
    assert f"{trace / total * 100:.3f}" == f"{sum(scores) / len(scores):.3f}"

    exam = casestudy.cross_validate(load_csv(Path("exam.csv")), n_epoch=200)
    exam_m = exam.confusion
    exam_rows = int(exam_m.sum())
    four_folds = kfold_indices(n_rows, 4)
    random.seed(settings.seed)
    second = np.bincount(labels[kfold_indices(n_rows, k)[1]], minlength=3).tolist()

    # evenly spaced from 0 to n_epoch, as the page's snapshots are taken
    page_epochs = [round(i * n_epoch / (cli.PAGE_SNAPSHOTS - 1)) for i in range(cli.PAGE_SNAPSHOTS)]

    return [
        f"{n_rows} rows describes one wheat kernel with {WORDS[n_features]} measurements",
        f"{per_class[0]} kernels of each",
        f"the class indices {', '.join(map(str, range(len(classes))))} that the network's "
        f"{WORDS[len(classes)]} outputs stand for",
        f"area runs from {mins[0]} to {maxs[0]}, compactness from {mins[2]} to {maxs[2]}",
        f"The tutorial uses k = {k}.",
        f"The first kernel's area, {features[0, 0]}, becomes "
        f"`({features[0, 0]} - {mins[0]}) / ({maxs[0]} - {mins[0]})`",
        f"the second fold holds {second[2]} Canadian kernels and only {second[0]} Kama",
        f"after `random.seed({settings.seed})`",
        f"each fold holds `int({n_rows} / {k})` = {fold_size} rows",
        f"`--folds 4` each fold holds `int({n_rows} / 4)` = {len(four_folds[0])} rows and "
        f"{n_rows - 4 * len(four_folds[0])} rows take part in no experiment",
        f"{k - 1} × {fold_size} = {n_train} rows",
        f"`initialize_network({n_features}, {n_hidden}, {len(classes)})`: {n_features} inputs, "
        f"a hidden layer of {n_hidden} sigmoid neurons, and {len(classes)} sigmoid outputs",
        f"`w −= {lr} · ∂E/∂w`",
        f"{n_epoch} epochs over {n_train} rows make {n_epoch * n_train:,} updates per network",
        f"trains {WORDS[k]} networks one after the other",
        f"{k} × {n_epoch * n_train:,} = {k * n_epoch * n_train:,} updates",
        f"in {n_epoch * n_train:,} steps",
        f"one array of shape ({h_k}, {h_n}, {h_in - 1}) and their biases one of shape "
        f"({h_k}, {h_n}, 1); the output layer's, ({o_k}, {o_n}, {o_in - 1}) and ({o_k}, {o_n}, 1)",
        f"every training set has {n_train} rows",
        f"the input is an array of shape ({k}, {n_features}, 1)",
        f"`L = {' + '.join(f'E_{i}' for i in range(1, k + 1))}`",
        "the tutorial draws fold 2's weights only after training fold 1",
        f"equal to within {STACKED_ATOL:.0e}",
        f"{m[0][0]} + {m[1][1]} + {m[2][2]} = {trace} of the {total} held-out rows, or "
        f"{trace / total * 100:.3f}%",
        f"{rows[0]} each, since {total} rows fill {k} folds of {fold_size} exactly",
        f"{m[0][0]} of the {rows[0]} Kama kernels were recognised; {m[0][1]} was taken for Rosa "
        f"and {m[0][2]} for Canadian",
        f"{m[1][1]} of {rows[1]} each, and every mistake was \"Kama\"",
        f"\"Kama\" {cols[0]} times, {m[0][0]} of them correctly",
        f"With only {exam.fold_size} rows in a fold, one mistake costs a fold "
        f"{100 // exam.fold_size} points",
        f"({exam_rows - int(np.trace(exam_m))} mistakes in {exam_rows})",
        f"it trains for 20 epochs instead of {n_epoch}",
        f"the hidden layer's weights of all {WORDS[k]} networks",
        "Row 1 (Kama)", "Rows 2 (Rosa) and 3 (Canadian)", "`1` Kama, `2` Rosa, `3` Canadian",
        f"fold 1's network at {cli.PAGE_SNAPSHOTS} evenly spaced epochs "
        f"({', '.join(map(str, page_epochs[:2]))}, ..., "
        f"{page_epochs[-1]} with the default {n_epoch})",
    ]


def test_prose_claims(claims):
    for claim in claims:
        assert claim in FLAT, claim


def test_every_number_in_the_prose_is_checked(claims):
    prose = re.sub(r"\]\([^)]*\)|<https?://[^>]*>", "", PROSE)  # link targets, URLs
    checked_text = " ".join(claims)
    checked = set(NUMBER.findall(checked_text))
    checked |= {n for b in BLOCKS if b["lang"] in ("console", "pycon", "text", "csv")
                for n in NUMBER.findall(b["body"])}
    unchecked = set(NUMBER.findall(prose)) - checked - set(NOT_DATA)
    assert not unchecked, f"numbers in the prose that no test checks: {sorted(unchecked)}"

