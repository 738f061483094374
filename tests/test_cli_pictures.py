"""``tinygrad-bp seeds --plot FILE.svg --page DIR``: the pictures of a case-study run.

The plot's lines are compared with ``cross_validate(history=True)``'s per-fold traces, which
tests/test_casestudy_history.py compares with the plain-Python oracle.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tinygrad_bp import cli
from tinygrad_bp.data import load_wheat_seeds
from tinygrad_bp.tutorial import casestudy
from tinygrad_bp.tutorial.casestudy import cross_validate

SVG = "{http://www.w3.org/2000/svg}"
SHORT = ["--epochs", "3", "--quiet", "--folds", "3"]


def _paths(path) -> dict[str, list[tuple[float, float]]]:
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    out = {}
    for p in root.iter(f"{SVG}path"):
        if "series" in p.get("class", "").split():
            numbers = [float(v) for v in re.findall(r"-?[\d.]+", p.get("d"))]
            out[p.get("data-label")] = list(zip(numbers[::2], numbers[1::2]))
    return out


def test_plot_has_one_line_per_fold_of_the_trace(capsys, tmp_path) -> None:
    status = cli.main(["seeds", *SHORT, "--plot", str(tmp_path / "sub" / "folds.svg")])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[-1] == f"wrote {tmp_path / 'sub' / 'folds.svg'}"
    lines = _paths(tmp_path / "sub" / "folds.svg")
    assert list(lines) == ["fold 1", "fold 2", "fold 3"]
    trace = np.array(cross_validate(load_wheat_seeds(), n_folds=3, n_epoch=3,
                                    history=True).history.sum_error)
    assert all(len(points) == 3 for points in lines.values())
    # log scale: the pixel gap between two epochs is proportional to the log of their ratio
    for k, points in enumerate(lines.values()):
        ys = [y for _, y in points]
        ratio = (ys[1] - ys[0]) / (ys[2] - ys[1])
        expected = np.log(trace[1, k] / trace[0, k]) / np.log(trace[2, k] / trace[1, k])
        assert abs(ratio - expected) < 0.05 * abs(expected) + 0.05


def test_page_is_fold_ones_training(capsys, tmp_path) -> None:
    status = cli.main(["seeds", *SHORT, "--page", str(tmp_path / "page")])
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {tmp_path / 'page' / 'index.html'}"
    page = (tmp_path / "page" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Fold 1 of 3 training, snapshot by snapshot</h1>" in page
    for k in range(4):  # 11 snapshots asked for, but 3 epochs have only 0, 1, 2 and 3
        assert f'"network_{k:03d}.svg"' in page and f'"curves_{k:03d}.svg"' in page
        marker = next(g for g in ET.parse(tmp_path / "page" / f"curves_{k:03d}.svg").iter(
            f"{SVG}g") if g.get("class") == "marker")
        assert marker.get("data-x") == str(k)
    assert not (tmp_path / "page" / "network_004.svg").exists()
    history = cross_validate(load_wheat_seeds(), n_folds=3, n_epoch=3, snapshots=11).history
    network = (tmp_path / "page" / "network_003.svg").read_text(encoding="utf-8")
    for bias in history.snapshots[-1].weights[1][0, :, -1]:  # fold 1's output biases
        assert f"{bias:.4f}".replace("-", "&#45;") in network


def test_json_stays_one_object_with_pictures(capsys, tmp_path) -> None:
    status = cli.main(["seeds", *SHORT, "--json", "--plot", str(tmp_path / "f.svg")])
    out = capsys.readouterr().out
    assert status == 0 and set(json.loads(out)) == {"scores", "mean"}
    assert (tmp_path / "f.svg").exists()


def test_settings_are_printed_before_training_starts(capsys, monkeypatch) -> None:
    printed_before = []
    real = casestudy.cross_validate

    def spy(*args, **kwargs):
        printed_before.append(capsys.readouterr().out)
        return real(*args, **kwargs)

    monkeypatch.setattr(casestudy, "cross_validate", spy)  # cli imports it when it runs
    assert cli.main(["seeds", *SHORT]) == 0
    assert printed_before == [
        "Data: wheat seeds (bundled): 210 rows, 7 features, 3 classes\n"
        "3-fold cross-validation (70 rows per fold), 3 epochs, learning rate 0.3, 5 hidden "
        "neurons, seed 1\n"]
    assert capsys.readouterr().out.startswith("Scores: ")


def test_bad_picture_arguments_are_one_line_and_status_2(capsys, tmp_path) -> None:
    assert cli.main(["seeds", *SHORT, "--plot", str(tmp_path / "f.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give a name ending in .svg, got" in err
    (tmp_path / "file").write_text("")
    assert cli.main(["seeds", *SHORT, "--page", str(tmp_path / "file")]) == 2
    assert capsys.readouterr().err == (f"tinygrad-bp: error: --page {tmp_path / 'file'}: "
                                       "exists and is not a directory\n")
    assert cli.main(["seeds", *SHORT, "--plot", ""]) == 2
    assert "expected a file name, got ''" in capsys.readouterr().err
    assert cli.main(["seeds", *SHORT, "--page", ""]) == 2
    assert "argument --page: expected a directory name, got ''" in capsys.readouterr().err


@pytest.mark.parametrize("option, make, needle", [
    ("--plot", lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt" / "c.svg",
     "cannot make the folder"),
    ("--plot", lambda tmp: (tmp / "d.svg").mkdir() or tmp / "d.svg", "is a directory, not a file"),
    ("--page", lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt",
     "exists and is not a directory"),
    ("--page", lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt" / "sub",
     "cannot make the folder"),
])
def test_an_unwritable_picture_path_stops_before_training(tmp_path, capsys, option, make,
                                                          needle) -> None:
    from tinygrad_bp import cli

    path = make(tmp_path)
    status = cli.main(["seeds", "--epochs", "500", option, str(path)])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")  # nothing printed: training never started
    assert err.startswith(f"tinygrad-bp: error: {option} {path}: ") and needle in err
    assert err.count("\n") == 1
