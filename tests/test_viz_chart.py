"""line_chart's SVG: valid XML, one path per series, gaps, ticks, the marker, the legend.

Pixel positions are checked against the chart's own axis lines (a point at the bottom of the
data range must sit on the x axis), and tick values against the 1-2-5 rule the module states.
"""
import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from tinygrad_bp.viz.chart import Chart, line_chart, slug, stack

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{" + NS["s"] + "}"  # the prefix of an SVG tag in ElementTree: "{namespace}tag"


def _tree(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def _paths(root: ET.Element) -> dict[str, ET.Element]:
    return {p.get("data-label"): p for p in root.iter(f"{SVG}path")
            if "series" in p.get("class", "").split()}


def _pieces(path: ET.Element) -> list[list[tuple[float, float]]]:
    """The path's pieces (one per M), each a list of (x, y) pixels."""
    pieces = []
    for piece in path.get("d").split("M")[1:]:
        numbers = [float(v) for v in re.findall(r"-?[\d.]+", piece)]
        pieces.append(list(zip(numbers[::2], numbers[1::2])))
    return pieces


def _ticks(root: ET.Element, axis: str) -> list[str]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"{axis}-ticks")
    return [t.text for t in group]


def _axis_lines(root: ET.Element) -> tuple[float, float, float, float]:
    """x0, x1 of the x axis and y0 (bottom), y1 (top) of the y axis, in pixels."""
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axes")
    xline, yline = list(group)
    return (float(xline.get("x1")), float(xline.get("x2")),
            float(yline.get("y1")), float(yline.get("y2")))


def test_one_named_path_per_series_and_a_legend_entry_each() -> None:
    xs = [1, 2, 3, 4]
    chart = line_chart({"train loss": (xs, [4, 3, 2, 1]), "validation loss": (xs, [4, 4, 3, 3])},
                       title="Learning curves", xlabel="epoch", ylabel="loss")
    root = _tree(chart)
    paths = _paths(root)
    assert list(paths) == ["train loss", "validation loss"]
    assert paths["train loss"].get("class") == "series series-train-loss"
    assert paths["validation loss"].get("class") == "series series-validation-loss"
    assert [len(p) for piece in paths.values() for p in _pieces(piece)] == [4, 4]
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["train loss",
                                                                   "validation loss"]
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text") if t.get("class")}
    assert texts == {"title": "Learning curves", "xlabel": "epoch", "ylabel": "loss"}
    assert root.get("width") == "640" and root.get("height") == "360"


def test_points_land_on_the_axes_and_are_evenly_spaced() -> None:
    # ys from 0 to 1: the nice range is exactly [0, 1], so y=0 is on the x axis, y=1 at the top
    chart = line_chart({"a": ([0, 1, 2, 3, 4, 5], [0, 0.2, 0.4, 0.6, 0.8, 1.0])})
    root = _tree(chart)
    x0, x1, y0, y1 = _axis_lines(root)
    (points,) = _pieces(_paths(root)["a"])
    assert points[0] == pytest.approx((x0, y0), abs=0.06)
    assert points[-1] == pytest.approx((x1, y1), abs=0.06)
    steps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
    assert steps == pytest.approx([(x1 - x0) / 5] * 5, abs=0.11)
    assert _ticks(root, "y") == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert _ticks(root, "x") == ["0", "1", "2", "3", "4", "5"]


def test_ticks_are_one_two_five_times_a_power_of_ten() -> None:
    epochs = list(range(1, 501))
    root = _tree(line_chart({"a": (epochs, [e / 1000 for e in epochs])}))
    assert _ticks(root, "x") == ["0", "100", "200", "300", "400", "500"]
    assert _ticks(root, "y") == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"]
    # three epochs get whole-numbered ticks, not 1.0, 1.5, 2.0
    root = _tree(line_chart({"a": ([1, 2, 3], [-1.0, 0.0, 2.5])}))
    assert _ticks(root, "x") == ["1", "2", "3"]
    # a span of 3.5 over about five steps is 0.7 each: the next nice step is 1
    assert _ticks(root, "y") == ["-1", "0", "1", "2", "3"]


def test_nan_and_inf_leave_gaps() -> None:
    nan, inf = math.nan, math.inf
    chart = line_chart({"a": ([1, 2, 3, 4, 5, 6, 7], [1, 2, nan, 4, 5, inf, 7])})
    root = _tree(chart)
    path = _paths(root)["a"]
    assert [len(p) for p in _pieces(path)] == [2, 2]  # the lone 7 is a dot, not a line
    dots = [c for c in root.iter(f"{SVG}circle") if "series-a" in c.get("class")]
    assert len(dots) == 1
    assert _ticks(root, "x") == ["0", "2", "4", "6", "8"]
    x0, x1, _, _ = _axis_lines(root)
    assert float(dots[0].get("cx")) == pytest.approx(x0 + 7 / 8 * (x1 - x0), abs=0.06)


def test_log_axes_show_decades_and_skip_what_is_not_positive() -> None:
    xs = [10.0 ** -k for k in range(1, 13)]
    ys = [1e-3, 1e-5, 0.0, -1.0, 1e-7, 1e-9, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
    root = _tree(line_chart({"err": (xs, ys)}, log_x=True, log_y=True))
    assert _ticks(root, "y") == ["10⁻⁹", "10⁻⁸", "10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³",
                                 "10⁻²"]
    # 12 decades of x: every second one, ending on a tick
    assert _ticks(root, "x") == ["10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"]
    assert [len(p) for p in _pieces(_paths(root)["err"])] == [2, 8]
    # within one decade: 1, 2, 5 and the next power
    root = _tree(line_chart({"a": ([1, 2], [0.3, 0.9])}, log_y=True))
    assert _ticks(root, "y") == ["0.1", "0.2", "0.5", "1"]
    root = _tree(line_chart({"a": ([1, 2], [3e-6, 9e-6])}, log_y=True))
    assert _ticks(root, "y") == ["10⁻⁶", "2×10⁻⁶", "5×10⁻⁶", "10⁻⁵"]
    root = _tree(line_chart({"a": ([1e-9, 1e-3], [1, 2])}, log_x=True, xlabel="eps",
                            marker_x=1e-8))
    assert root.find(".//s:g[@class='marker']/s:text", NS).text == "eps 1e-8"


def test_marker_sits_on_the_points_of_its_x() -> None:
    xs = list(range(1, 21))
    chart = line_chart({"a": (xs, [x * x for x in xs])}, xlabel="epoch", marker_x=7)
    root = _tree(chart)
    (marker,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"]
    assert marker.get("data-x") == "7"
    line = marker.find("s:line", NS)
    (points,) = _pieces(_paths(root)["a"])
    assert float(line.get("x1")) == float(line.get("x2")) == points[6][0]
    assert marker.find("s:text", NS).text == "epoch 7"
    (ring,) = marker.findall("s:circle", NS)  # the series' point at epoch 7, ringed
    assert (float(ring.get("cx")), float(ring.get("cy"))) == points[6]
    _, _, y0, y1 = _axis_lines(root)
    assert (float(line.get("y1")), float(line.get("y2"))) == (y0, y1)
    # a marker beyond the data widens the x range to show it
    root = _tree(line_chart({"a": ([1, 2], [1, 2])}, marker_x=10))
    assert _ticks(root, "x")[-1] == "10"


def test_labels_are_escaped_and_classes_unique() -> None:
    chart = line_chart({"a<b & 'c'": ([1, 2], [1, 2]), "A B": ([1, 2], [2, 1]),
                        "a-b": ([1, 2], [0, 0])}, title='"quoted" & <b>')
    root = _tree(chart)
    assert list(_paths(root)) == ["a<b & 'c'", "A B", "a-b"]
    classes = [p.get("class") for p in _paths(root).values()]
    assert classes == ["series series-a-b-c", "series series-a-b", "series series-a-b-2"]
    assert root.find("s:title", NS).text == '"quoted" & <b>'
    assert slug("Fold 1") == "fold-1" and slug("∂∂") == "series"


def test_chart_saves_shows_in_jupyter_and_says_what_it_is(tmp_path) -> None:
    chart = line_chart({"fold 1": ([1, 2], [3, 4])}, title="t", width=300, height=200)
    path = chart.save(tmp_path / "sub" / "c.svg")
    assert path.read_text(encoding="utf-8") == chart.svg == chart._repr_svg_()
    assert repr(chart) == "Chart(title='t', series=['fold 1'], size=300x200)"


def test_bad_input_names_the_series() -> None:
    with pytest.raises(ValueError, match="non-empty mapping"):
        line_chart({})
    with pytest.raises(ValueError, match=r"series 'val': .* shapes \(3,\) and \(2,\)"):
        line_chart({"val": ([1, 2, 3], [1, 2])})
    with pytest.raises(ValueError, match="series 'x': expected a pair"):
        line_chart({"x": [1, 2, 3]})
    with pytest.raises(ValueError, match="at least 200 and 120, got 100 and 360"):
        line_chart({"x": ([1], [1])}, width=100)


def test_all_points_missing_still_draws_axes() -> None:
    root = _tree(line_chart({"a": ([1, 2], [math.nan, math.nan])}))
    assert _paths(root)["a"].get("d") == ""
    assert _ticks(root, "y") == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def test_stack_puts_charts_below_each_other() -> None:
    a = line_chart({"loss": ([1, 2], [2, 1])}, title="loss")
    b = line_chart({"accuracy": ([1, 2], [50, 90])}, title="accuracy", height=200)
    both = stack([a, b])
    root = _tree(both)
    inner = root.findall("s:svg", NS)
    assert [(s.get("y"), s.get("height")) for s in inner] == [("0", "360"), ("360", "200")]
    assert both.height == 560 and both.width == 640
    assert list(_paths(root)) == ["loss", "accuracy"]
    assert both.labels == ("loss", "accuracy") and both.title == "loss / accuracy"
    side = stack([a, b], columns=2)
    assert (side.width, side.height) == (1280, 360)
