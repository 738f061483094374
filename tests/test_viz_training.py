"""Learning curves, gradient norms and the training page, drawn from hand-made histories.

The histories' numbers are written here (no training), so every picture's content is known;
the snapshots' outputs and deltas are numpy's forward pass and the tutorial's delta formula.
"""
import html
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tinygrad_bp.nn import History, Snapshot
from tinygrad_bp.viz.training import (caption, gradient_chart, learning_curves, model_curves,
                                      save_training_page)

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{" + NS["s"] + "}"  # the prefix of an SVG tag in ElementTree: "{namespace}tag"


def _history(**fields) -> History:
    base = dict(epochs=4, loss=[0.5, 0.3, 0.2, 0.15], val_loss=[0.6, 0.4, 0.3, 0.28],
                accuracy=[50.0, 75.0, 87.5, 100.0], val_accuracy=[40.0, 60.0, 80.0, 80.0],
                grad_norm=[[0.1, 0.5], [0.05, 0.4], [0.01, 0.3], [0.001, 0.2]])
    return History(**{**base, **fields})


def _series(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.get("data-label"): p for p in root.iter(f"{SVG}path")
            if "series" in p.get("class", "").split()}


def _points(path: ET.Element) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?[\d.]+", path.get("d"))]
    return list(zip(numbers[::2], numbers[1::2]))


def test_loss_above_accuracy_one_line_per_series() -> None:
    chart = learning_curves(_history())
    assert list(_series(chart.svg)) == ["train loss", "validation loss", "train accuracy",
                                        "validation accuracy"]
    root = ET.fromstring(chart.svg)
    assert [s.get("y") for s in root.findall("s:svg", NS)] == ["0", "300"]
    # both panels' plot areas start at the same pixel, so their epochs line up
    starts = {_points(p)[0][0] for p in _series(chart.svg).values()}
    assert len(starts) == 1
    assert chart.title == "Learning curves"


def test_what_is_missing_is_left_out() -> None:
    regression = _history(accuracy=[], val_accuracy=None, val_loss=[math.nan] * 4)
    chart = learning_curves(regression)
    assert list(_series(chart.svg)) == ["train loss"]
    assert chart.title == "Loss" and chart.height == 300
    with pytest.raises(ValueError, match="no loss to draw"):
        learning_curves(History())
    with pytest.raises(ValueError, match=r"history\.val_loss has 3 entries for 4 epochs"):
        learning_curves(_history(val_loss=[1, 2, 3]))


def test_gradient_norms_per_layer_on_a_log_scale() -> None:
    chart = gradient_chart(_history())
    paths = _series(chart.svg)
    assert list(paths) == ["layer 1", "layer 2"]
    ticks = [t.text for g in ET.fromstring(chart.svg).iter(f"{SVG}g")
             if g.get("class") == "y-ticks" for t in g]
    assert ticks == ["0.001", "0.01", "0.1", "1"]
    # layer 1's norm: 0.1, 0.05, 0.01, 0.001; on a log axis 0.01 -> 0.001 is half of 0.1 -> 0.001
    ys = [y for _, y in _points(paths["layer 1"])]
    assert ys[3] - ys[2] == pytest.approx((ys[3] - ys[0]) / 2, abs=0.11)
    both = learning_curves(_history(), gradients=True)
    assert list(_series(both.svg))[-2:] == ["layer 1", "layer 2"]


def test_caption_says_the_epochs_numbers() -> None:
    h = _history()
    assert caption(h, 3) == ("after 3 epochs, train loss 0.2000, validation loss 0.3000, "
                             "train accuracy 87.5%, validation accuracy 80.0%")
    assert caption(h, 0) == "before training (epoch 0)"
    no_validation = _history(val_loss=[], val_accuracy=[])
    assert caption(no_validation, 1) == "after 1 epoch, train loss 0.5000, train accuracy 50.0%"


def _forward(weights, row) -> list[np.ndarray]:
    outs, x = [], np.array(row)
    for w in weights:
        x = 1 / (1 + np.exp(-(w[..., :-1] @ x[..., None])[..., 0] - w[..., -1]))
        outs.append(x)
    return outs


def _snapshot(epoch: int, weights: list[np.ndarray], row, target) -> Snapshot:
    """What nn.train records, computed with numpy: sigmoid layers, the tutorial's deltas."""
    outputs = _forward(weights, row)
    deltas = [(np.asarray(target) - outputs[-1]) * outputs[-1] * (1 - outputs[-1])]
    for w, out in zip(weights[:0:-1], outputs[-2::-1]):
        back = (deltas[0][..., None, :] @ w[..., :-1])[..., 0, :]
        deltas.insert(0, back * out * (1 - out))
    return Snapshot(epoch, weights, np.asarray(row), np.asarray(target), outputs, deltas)


def test_page_files_links_and_the_marker_at_each_snapshot(tmp_path) -> None:
    rng = np.random.default_rng(0)
    row, target = [0.25, 0.75], [1.0, 0.0]
    snapshots = [_snapshot(epoch, [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))], row,
                           target) for epoch in (0, 2, 4)]
    h = _history(snapshots=snapshots, settings={"activations": ["sigmoid", "sigmoid"]})
    paths = save_training_page(h, tmp_path / "page")
    names = [p.name for p in paths]
    assert names == ["network_000.svg", "curves_000.svg", "network_001.svg", "curves_001.svg",
                     "network_002.svg", "curves_002.svg", "index.html"]
    page = paths[-1].read_text(encoding="utf-8")
    for name in names[:-1]:
        assert f'"{name}"' in page
    assert "ArrowRight" in page and "<script src" not in page and 'id="next"' in page
    assert "parseInt(location.hash.slice(1), 10)" in page  # index.html#3 opens at the third
    assert "after 4 epochs, train loss 0.1500, validation loss 0.2800" in page
    for k, snapshot in enumerate(snapshots):
        epoch, weights = snapshot.epoch, snapshot.weights
        curves = ET.fromstring((tmp_path / "page" / f"curves_{k:03d}.svg").read_text())
        markers = [g for g in curves.iter(f"{SVG}g") if g.get("class") == "marker"]
        assert [m.get("data-x") for m in markers] == [str(epoch)] * 2  # loss and accuracy
        train = _series(ET.tostring(curves, encoding="unicode"))["train loss"]
        x = float(markers[0].find("s:line", NS).get("x1"))
        if epoch:  # the marker passes through the curve's point after that many epochs
            assert x == _points(train)[epoch - 1][0]
        else:  # before the first epoch: left of the curve, on the y axis
            assert x < _points(train)[0][0]
        network = (tmp_path / "page" / f"network_{k:03d}.svg").read_text(encoding="utf-8")
        ET.fromstring(network)
        texts = [html.unescape(t) for t in re.findall(r">([^<>]+)</text>", network)]
        for value in [*weights[0][:, -1], *weights[1][:, -1], *snapshot.outputs[0],
                      *snapshot.outputs[1], *snapshot.deltas[0], *snapshot.deltas[1], *row]:
            assert f"{value:.4f}" in texts
        assert caption(h, epoch) in texts and "hidden layer · sigmoid" in texts


def test_stacked_models_draw_one_line_each_or_the_one_asked_for(tmp_path) -> None:
    h = History(epochs=3, loss=[[3.0, 6.0], [2.0, 5.0], [1.0, 4.0]],
                sum_error=[[30.0, 60.0], [20.0, 50.0], [10.0, 40.0]],
                grad_norm=[[[1, 2], [3, 4]]] * 3, models=2)
    assert list(_series(learning_curves(h).svg)) == ["train loss (model 1)",
                                                     "train loss (model 2)"]
    (only,) = _series(learning_curves(h, model=1).svg).values()
    ys = [y for _, y in _points(only)]
    assert ys[0] < ys[1] < ys[2]  # 6, 5, 4: falling values rise on the screen's y axis
    folds = model_curves(h, label="fold", title="sum_error per fold")
    assert list(_series(folds.svg)) == ["fold 1", "fold 2"]
    assert list(_series(gradient_chart(h, model=1).svg)) == ["layer 1", "layer 2"]
    with pytest.raises(ValueError, match=r"model=2: the history has models 0\.\.1"):
        learning_curves(h, model=2)
    with pytest.raises(ValueError, match=r"model=1: the history has one model \(model=0"):
        learning_curves(_history(), model=1)
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 1, 3))]
    rows = np.array([[0.1, 0.2], [0.3, 0.4]])
    h.snapshots = [_snapshot(3, weights, rows, [[1.0], [0.0]])]
    index = h.save_page(tmp_path, model=1)
    network = (tmp_path / "network_000.svg").read_text(encoding="utf-8")
    texts = [html.unescape(t) for t in re.findall(r">([^<>]+)</text>", network)]
    assert f"{weights[1][1, 0, -1]:.4f}" in texts and "0.3000" in texts  # model 2's
    assert f"{weights[1][0, 0, -1]:.4f}" not in texts
    assert index == tmp_path / "index.html" and "hidden layer" in texts  # no activations known
    h.save_page(tmp_path / "first")  # stacked: model 0 by default, its curve alone
    assert list(_series((tmp_path / "first" / "curves_000.svg").read_text())) == ["train loss"]
    network = (tmp_path / "first" / "network_000.svg").read_text(encoding="utf-8")
    assert f"{weights[1][0, 0, -1]:.4f}".replace("-", "&#45;") in network


def test_history_plots_itself_and_jupyter_shows_it(tmp_path) -> None:
    h = _history()
    assert h.plot().svg == learning_curves(h).svg == h._repr_svg_()
    assert list(_series(h.plot(gradients=True).svg))[-2:] == ["layer 1", "layer 2"]
    assert History()._repr_svg_() is None  # nothing trained: Jupyter falls back to the text


def test_page_needs_snapshots(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"no snapshots to show: train with snapshots=N"):
        save_training_page(_history(), tmp_path)
