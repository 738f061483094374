"""Learning curves, gradient norms and the training page, drawn from a stand-in history.

viz reads a history's fields by name, so a SimpleNamespace with nn.train's field names is
enough here; the networks' outputs and deltas are checked against numpy's forward pass.
"""
import html
import math
import random
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pytest

from tinygrad_bp.nn import MLP
from tinygrad_bp.viz.training import caption, gradient_chart, learning_curves, save_training_page

NS = {"s": "http://www.w3.org/2000/svg"}


def _history(**fields) -> SimpleNamespace:
    base = dict(epochs=[1, 2, 3, 4], loss=[0.5, 0.3, 0.2, 0.15], val_loss=[0.6, 0.4, 0.3, 0.28],
                accuracy=[50.0, 75.0, 87.5, 100.0], val_accuracy=[40.0, 60.0, 80.0, 80.0],
                grad_norm=[[0.1, 0.5], [0.05, 0.4], [0.01, 0.3], [0.001, 0.2]])
    return SimpleNamespace(**{**base, **fields})


def _series(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.get("data-label"): p for p in root.iter("{%s}path" % NS["s"])
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
        learning_curves(SimpleNamespace(epochs=[], loss=[]))
    with pytest.raises(ValueError, match="history.val_loss has 3 entries for 4 epochs"):
        learning_curves(_history(val_loss=[1, 2, 3]))


def test_gradient_norms_per_layer_on_a_log_scale() -> None:
    chart = gradient_chart(_history())
    paths = _series(chart.svg)
    assert list(paths) == ["layer 1", "layer 2"]
    ticks = [t.text for g in ET.fromstring(chart.svg).iter("{%s}g" % NS["s"])
             if g.get("class") == "y-ticks" for t in g]
    assert ticks == ["0.001", "0.01", "0.1", "1"]
    # layer 1's norm: 0.1, 0.05, 0.01, 0.001; on a log axis 0.01 -> 0.001 is half of 0.1 -> 0.001
    ys = [y for _, y in _points(paths["layer 1"])]
    assert ys[3] - ys[2] == pytest.approx((ys[3] - ys[0]) / 2, abs=0.11)
    both = learning_curves(_history(), gradients=True)
    assert list(_series(both.svg))[-2:] == ["layer 1", "layer 2"]


def test_caption_says_the_epochs_numbers() -> None:
    h = _history()
    assert caption(h, 3) == ("epoch 3, loss 0.2000, validation loss 0.3000, accuracy 87.5%, "
                             "validation accuracy 80.0%")
    assert caption(h, 0) == "epoch 0 (before training)"
    no_validation = _history(val_loss=[], val_accuracy=[])
    assert caption(no_validation, 1) == "epoch 1, loss 0.5000, accuracy 50.0%"


def _network(weights: list[np.ndarray], row, target) -> MLP:
    net = MLP(2, [2, 2], rng=random.Random(0))
    net.set_weights(weights)
    out = net(np.array(row))
    (0.5 * ((out - np.array(target)) ** 2).sum()).backward()
    return net


def _forward(weights, row) -> list[np.ndarray]:
    outs, x = [], np.array(row)
    for w in weights:
        x = 1 / (1 + np.exp(-(w[:, :-1] @ x + w[:, -1])))
        outs.append(x)
    return outs


def test_page_files_links_and_the_marker_at_each_snapshot(tmp_path) -> None:
    h = _history()
    rng = np.random.default_rng(0)
    snapshots = [(epoch, [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))]) for epoch in (0, 2, 4)]
    row, target = [0.25, 0.75], [1.0, 0.0]
    networks = [(epoch, _network(w, row, target)) for epoch, w in snapshots]
    paths = save_training_page(h, tmp_path / "page", networks, inputs=row)
    names = [p.name for p in paths]
    assert names == ["network_000.svg", "curves_000.svg", "network_001.svg", "curves_001.svg",
                     "network_002.svg", "curves_002.svg", "index.html"]
    page = paths[-1].read_text(encoding="utf-8")
    for name in names[:-1]:
        assert f'"{name}"' in page
    assert "ArrowRight" in page and "<script src" not in page and 'id="next"' in page
    assert "epoch 4, loss 0.1500, validation loss 0.2800" in page
    for k, (epoch, weights) in enumerate(snapshots):
        curves = ET.fromstring((tmp_path / "page" / f"curves_{k:03d}.svg").read_text())
        markers = [g for g in curves.iter("{%s}g" % NS["s"]) if g.get("class") == "marker"]
        assert [m.get("data-x") for m in markers] == [str(epoch)] * 2  # loss and accuracy
        train = _series(ET.tostring(curves, encoding="unicode"))["train loss"]
        x = float(markers[0].find("s:line", NS).get("x1"))
        if epoch:  # the marker passes through the curve's point at that epoch
            assert x == _points(train)[epoch - 1][0]
        else:  # before the first epoch: left of the curve, on the y axis
            assert x < _points(train)[0][0]
        network = (tmp_path / "page" / f"network_{k:03d}.svg").read_text(encoding="utf-8")
        ET.fromstring(network)
        texts = [html.unescape(t) for t in re.findall(r">([^<>]+)</text>", network)]
        outputs = _forward(weights, row)
        for value in [*weights[0][:, -1], *weights[1][:, -1], *outputs[0], *outputs[1]]:
            assert f"{value:.4f}" in texts
        delta = (target - outputs[1]) * outputs[1] * (1 - outputs[1])  # the tutorial's delta
        assert all(f"{d:.4f}" in texts for d in delta)
        assert caption(h, epoch) in " ".join(texts)


def test_page_needs_snapshots(tmp_path) -> None:
    with pytest.raises(ValueError, match="no snapshots to show; train with snapshots=N"):
        save_training_page(_history(), tmp_path, [])
