"""The ``tinygrad-bp seeds`` command: output, options, and one clean line for every bad input.

Most runs are in-process (``cli.main`` with capsys) and short (a few epochs). The default
500-epoch run is the suite's one run of it, the ``seeds_default`` fixture (conftest.py: the
command in this process, stdout and stderr captured, so neither is a terminal), shared with
test_casestudy and test_docs_casestudy; its numbers are checked against TUTORIAL.md item 6
(``reference.tutorial_numbers``). Real ``python -m tinygrad_bp`` processes run with short
settings.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from typing import ClassVar

import pytest
import tqdm

from reference import tutorial_numbers as tn
from tinygrad_bp import cli
from tinygrad_bp.casestudy import cross_validate
from tinygrad_bp.data import load_csv, load_wheat_seeds

ERROR = "tinygrad-bp: error: "
OPTIONS = ["--data", "--seed", "--folds", "--epochs", "--lr", "--hidden", "--json", "--quiet",
           "--plot", "--page"]
SHORT = ["--epochs", "3", "--quiet"]


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """``python -m tinygrad_bp ARGS`` in a subprocess, stdout and stderr piped (not terminals)."""
    return subprocess.run([sys.executable, "-m", "tinygrad_bp", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, check=False)


def main(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


SMALL = "".join(f"{i / 10},{(i * 7) % 11 / 10},{'YES' if i % 3 else 'NO'}\n" for i in range(24))


# --- the default run ------------------------------------------------------------------------

def test_default_run_prints_the_tutorials_scores_with_nothing_on_stderr(seeds_default):
    assert seeds_default.status == 0
    assert seeds_default.stderr == ""  # stderr is not a terminal: no progress bar
    lines = seeds_default.stdout.splitlines()
    assert f"Scores: {tn.SEEDS_SCORES}" in lines
    assert f"Mean Accuracy: {tn.SEEDS_MEAN_3DP}%" in lines
    assert "Mean Accuracy: 93.333%" in lines
    assert lines[0] == "Data: wheat seeds (bundled): 210 rows, 7 features, 3 classes"
    assert lines[1] == ("5-fold cross-validation (42 rows per fold), 500 epochs, learning rate "
                        "0.3, 5 hidden neurons, seed 1")
    assert re.fullmatch(r"Time: \d+\.\d s", lines[-1])


def test_default_run_confusion_table_is_consistent_with_the_scores(seeds_default):
    lines = seeds_default.stdout.splitlines()
    start = lines.index("Confusion matrix (rows: actual class, columns: predicted), "
                        "all held-out folds:")
    assert lines[start + 1].split() == ["1", "2", "3"]
    table = [line.split() for line in lines[start + 2:start + 5]]
    assert [row[0] for row in table] == ["1", "2", "3"]
    counts = [[int(v) for v in row[1:]] for row in table]
    assert sum(map(sum, counts)) == 210
    assert [sum(row) for row in counts] == [70, 70, 70]
    assert sum(counts[i][i] for i in range(3)) == round(sum(tn.SEEDS_SCORES) * 42 / 100) == 196
    assert lines[start + 5] == ""


# --- output formats ---------------------------------------------------------------------------

def test_json_is_one_object_with_exactly_scores_and_mean(capsys):
    status, out, err = main(capsys, "seeds", "--json", *SHORT)
    assert status == 0 and err == ""
    assert out.endswith("\n") and out.count("\n") == 1
    data = json.loads(out)
    assert set(data) == {"scores", "mean"}
    expected = cross_validate(load_wheat_seeds(), n_epoch=3)
    assert data == {"scores": expected.scores, "mean": expected.mean}
    assert data["mean"] == sum(data["scores"]) / len(data["scores"])


def test_json_in_a_subprocess_with_other_settings(tmp_path):
    result = run_cli("seeds", "--json", "--seed", "7", "--folds", "4", "--epochs", "5",
                     "--lr", "0.5", "--hidden", "3")
    assert result.returncode == 0 and result.stderr == ""
    expected = cross_validate(load_wheat_seeds(), n_folds=4, l_rate=0.5, n_epoch=5, n_hidden=3,
                              seed=7)
    assert json.loads(result.stdout) == {"scores": expected.scores, "mean": expected.mean}


def test_human_output_lines(capsys):
    status, out, err = main(capsys, "seeds", "--folds", "4", "--epochs", "2", "--seed", "3",
                            "--lr", "0.5", "--hidden", "2", "--quiet")
    assert status == 0 and err == ""
    expected = cross_validate(load_wheat_seeds(), n_folds=4, l_rate=0.5, n_epoch=2, n_hidden=2,
                              seed=3)
    lines = out.splitlines()
    assert lines[:4] == [
        "Data: wheat seeds (bundled): 210 rows, 7 features, 3 classes",
        "4-fold cross-validation (52 rows per fold), 2 epochs, learning rate 0.5, "
        "2 hidden neurons, seed 3",
        f"Scores: {expected.scores}",
        f"Mean Accuracy: {expected.mean:.3f}%",
    ]
    assert lines[4] == "" and lines[-2] == ""
    table = [line.split() for line in lines[7:10]]
    assert [[int(v) for v in row[1:]] for row in table] == expected.confusion.tolist()
    assert re.fullmatch(r"Time: \d+\.\d s", lines[-1])
    assert len(lines) == 12


def test_string_labels_name_the_table_rows_and_columns(tmp_path, capsys, monkeypatch):
    write(tmp_path, SMALL)
    monkeypatch.chdir(tmp_path)
    status, out, err = main(capsys, "seeds", "--data", "data.csv", "--folds", "3", *SHORT)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Data: data.csv: 24 rows, 2 features, 2 classes"
    assert lines[1].startswith("3-fold cross-validation (8 rows per fold), 3 epochs")
    assert lines[6] == " " * 8 + "    NO    YES"
    assert lines[7].split()[0] == "NO" and lines[8].split()[0] == "YES"
    expected = cross_validate(load_csv(tmp_path / "data.csv"), n_folds=3, n_epoch=3)
    assert f"Scores: {expected.scores}" in lines
    assert [[int(v) for v in line.split()[1:]] for line in lines[7:9]] == \
        expected.confusion.tolist()


def test_a_header_row_is_named_in_the_output_and_not_in_json(tmp_path, capsys, monkeypatch):
    write(tmp_path, "width, height, verdict\n" + SMALL)
    monkeypatch.chdir(tmp_path)
    status, out, err = main(capsys, "seeds", "--data", "data.csv", "--folds", "3", *SHORT)
    assert status == 0 and err == ""
    assert out.splitlines()[:2] == ["Data: data.csv: 24 rows, 2 features, 2 classes",
                                    "Header row skipped: width, height, verdict"]
    status, out, _ = main(capsys, "seeds", "--data", "data.csv", "--folds", "3", "--json", *SHORT)
    assert status == 0 and list(json.loads(out)) == ["scores", "mean"]


def test_python_dash_m_and_main_give_the_same_output(capsys):
    result = run_cli("seeds", "--json", *SHORT)
    _, out, _ = main(capsys, "seeds", "--json", *SHORT)
    assert result.returncode == 0 and result.stdout == out


def test_help_mentions_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["seeds", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in OPTIONS:
        assert option in out
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "seeds" in capsys.readouterr().out


# --- progress bar -----------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _RecordingBar:
    """Stands in for tqdm: records how far the bar was moved."""
    made: ClassVar[list[_RecordingBar]] = []

    def __init__(self, total, **kwargs):
        self.total, self.n, self.closed = total, 0, False
        _RecordingBar.made.append(self)

    def update(self, n=1):
        self.n += n

    def close(self):
        self.closed = True


def on_a_terminal(monkeypatch) -> list[_RecordingBar]:
    """Make stderr look like a terminal and replace tqdm by a recorder; returns the bars made.

    Called inside the test, since pytest's capturing resets sys.stderr after fixtures run.
    """
    _RecordingBar.made = []
    monkeypatch.setattr(tqdm, "tqdm", _RecordingBar)
    monkeypatch.setattr(sys, "stderr", _Terminal())
    return _RecordingBar.made


def test_progress_bar_on_a_terminal_counts_each_epoch_once(monkeypatch):
    terminal = on_a_terminal(monkeypatch)
    assert cli.main(["seeds", "--epochs", "5", "--folds", "2", "--hidden", "1", "--json"]) == 0
    [bar] = terminal
    assert bar.total == 5 and bar.n == 5 and bar.closed


def test_quiet_means_no_progress_bar_even_on_a_terminal(monkeypatch):
    terminal = on_a_terminal(monkeypatch)
    assert cli.main(["seeds", "--epochs", "2", "--folds", "2", "--hidden", "1", "--json",
                     "--quiet"]) == 0
    assert terminal == [] and sys.stderr.getvalue() == ""


def test_no_progress_output_when_stderr_is_a_pipe():
    result = run_cli("seeds", "--epochs", "3")  # no --quiet
    assert result.returncode == 0 and result.stderr == ""
    assert "Mean Accuracy:" in result.stdout


# --- the input file -----------------------------------------------------------------------------

def test_the_input_file_is_unchanged_after_a_run(tmp_path, capsys):
    path = write(tmp_path, "score,missed,passed\r\n" + SMALL.replace("\n", "\r\n"))
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    status, out, _ = main(capsys, "seeds", "--data", str(path), "--folds", "3", *SHORT)
    assert status == 0 and "Scores:" in out
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime


# --- bad input: exit status 2, one line on stderr, no traceback -------------------------------

DATA_ERRORS = {
    # name: (file text, what the one line must contain after "data.csv")
    "non-numeric field": ("1,2,0\n3,x,1\n", ":2: column 2 is not a number: 'x'"),
    "empty field": ("1,2,0\n3,,1\n", ":2: column 2 is empty: '3,,1'"),
    "wrong column count": ("1,2,0\n3,1\n", ":2: expected 3 columns (as on line 1), found 2"),
    "nan": ("1,2,0\nnan,1,1\n", ":2: column 1 is not a finite number: 'nan'"),
    "inf": ("1,2,0\n3,-inf,1\n", ":2: column 2 is not a finite number: '-inf'"),
    "empty file": ("", ":1: no data rows"),
    "single class": ("1,2,0\n3,4,0\n", ":2: only one class ('0') in 2 rows; need at least 2"),
    "too few rows for the folds": ("1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
                                   ": cannot make 5 folds from 4 rows"),
}

OPTION_ERRORS = {
    "--folds 1": (["--folds", "1"], "argument --folds: must be at least 2, got 1"),
    "--folds x": (["--folds", "x"], "argument --folds: expected a whole number, got 'x'"),
    "--lr 0": (["--lr", "0"], "argument --lr: must be a positive number, got 0"),
    "--lr -1": (["--lr", "-1"], "argument --lr: must be a positive number, got -1"),
    "--lr nan": (["--lr", "nan"], "argument --lr: must be a positive number, got nan"),
    "--epochs 0": (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
    "--hidden 0": (["--hidden", "0"], "argument --hidden: must be at least 1, got 0"),
    "--seed x": (["--seed", "x"], "argument --seed: invalid int value: 'x'"),
    "--data ''": (["--data", ""], "argument --data: "),
    "unknown option": (["--bogus"], "unrecognized arguments: --bogus"),
}


def assert_one_clean_error(status: int, out: str, err: str, *needles: str) -> str:
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(ERROR), err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("case", DATA_ERRORS)
def test_data_errors_name_the_file_and_line(case, tmp_path, capsys):
    text, message = DATA_ERRORS[case]
    path = write(tmp_path, text)
    status, out, err = main(capsys, "seeds", "--data", str(path), *SHORT)
    assert_one_clean_error(status, out, err, f"{ERROR}{path}{message}")


def test_a_missing_file_and_a_directory(tmp_path, capsys):
    missing = tmp_path / "missing.csv"
    status, out, err = main(capsys, "seeds", "--data", str(missing))
    assert_one_clean_error(status, out, err, f"{ERROR}{missing}: file not found")
    status, out, err = main(capsys, "seeds", "--data", str(tmp_path))
    assert_one_clean_error(status, out, err, f"{ERROR}{tmp_path}: is a directory, not a file")


@pytest.mark.parametrize("case", OPTION_ERRORS)
def test_option_errors_name_the_argument(case, capsys):
    args, message = OPTION_ERRORS[case]
    status, out, err = main(capsys, "seeds", *args, *SHORT)
    assert_one_clean_error(status, out, err, message, "(see 'tinygrad-bp")


def test_no_command_prints_the_usage(capsys):
    status, out, err = main(capsys)
    assert (status, err) == (0, "") and out.startswith("usage: tinygrad-bp")


@pytest.mark.parametrize("args, needle", [
    (["seeds", "--data", "bad.csv"], "bad.csv:2: column 2 is not a number: 'x'"),
    (["seeds", "--data", "missing.csv"], "missing.csv: file not found"),
    (["seeds", "--data", "."], ".: is a directory, not a file"),
    (["seeds", "--data", "four.csv"], "four.csv: cannot make 5 folds from 4 rows"),
    (["seeds", "--folds", "1"], "argument --folds"),
    (["seeds", "--lr", "-1"], "argument --lr"),
    (["seeds", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
])
def test_bad_input_in_a_real_process_exits_2_with_one_line(args, needle, tmp_path):
    write(tmp_path, "1,2,0\n3,x,1\n", "bad.csv")
    write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n", "four.csv")
    result = run_cli(*args, cwd=tmp_path)
    assert_one_clean_error(result.returncode, result.stdout, result.stderr, ERROR + needle)


@pytest.mark.parametrize("args", [["seeds", "--epochs", "2", "--quiet"],
                                  ["seeds", "--epochs", "2", "--json"], ["graph"]])
def test_a_reader_that_stops_early_is_not_an_error(args):
    # `tinygrad-bp seeds | head -3`: the reader closes the pipe before the output ends. That is
    # no bad input: no "error:" line (exit 2 means bad input), no traceback; the shell's
    # status for a writer cut off by its reader, 141.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "tinygrad_bp", *args], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")



def test_version_names_the_package_version() -> None:
    import tinygrad_bp

    done = run_cli("--version")
    expected = f"tinygrad-bp {tinygrad_bp.__version__}\n"
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")


def test_bare_command_prints_usage_listing_every_subcommand() -> None:
    done = run_cli()
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: tinygrad-bp")
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ")}
    assert {"seeds", "graph"} <= listed
