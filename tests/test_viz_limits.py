"""Drawings at their edges: labels Graphviz would read as escapes, sizes too big to lay out,
frames left by an earlier walk, and an empty ``-o``.

The expected text is what the user typed: Graphviz's own rules (``\\G`` is the graph's name,
``\\\\`` one backslash, ``<...>`` an HTML-like label) are what the drawings must defeat.
"""
import random

import pytest
from reference.svg import svg_texts

import tinygrad_bp as tg
from tinygrad_bp import nn
from tinygrad_bp.cli import main
from tinygrad_bp.tutorial.samples import classic_neuron
from tinygrad_bp.viz import backward_steps, draw_graph, draw_network, save_backward_frames

# Graphviz escapes (graph, node, edge, tail, head, label; line breaks) and a lone backslash.
AWKWARD = ["x\\G", "w\\E", "b\\", "y\\N", "t\\T\\H\\L", "n\\n\\l\\r", '"q" \\"r\\"', "<a & b>"]


def _awkward_graph():
    values = [tg.Value(float(i + 1), label=label) for i, label in enumerate(AWKWARD[:-1])]
    y = values[0]
    for v in values[1:]:
        y = y * v
    y = y + tg.Value(1.0, label=AWKWARD[-1])
    y.label = "out"
    y.backward()
    return y


# --- labels render as typed ------------------------------------------------------------------

def test_dot_source_doubles_backslashes_and_escapes_html():
    source = draw_graph(_awkward_graph(), title="<a & b> \\G").source
    assert "<b>x\\\\G</b>" in source and "<b>b\\\\</b>" in source  # HTML-like node labels
    assert "<b>&lt;a &amp; b&gt;</b>" in source
    assert 'label="<a & b> \\\\G"' in source  # the title: quoted text, not an HTML label
    assert '∂mul' in source and "∂(x\\\\G) =" in source  # an edge label


@pytest.mark.parametrize("title", ["<a & b>", "<b>bold?</b>", "tab\\there \\G \\"])
def test_svg_shows_every_name_and_the_title_as_typed(title):
    texts = [t.strip() for t in svg_texts(draw_graph(_awkward_graph(), title=title).pipe("svg"))]
    assert title in texts
    for label in AWKWARD:
        assert label in texts, label
    assert any(t.startswith("∂") and t.endswith("/∂(x\\G) = 2.0000") for t in texts), texts


def test_network_title_as_typed():
    model = nn.MLP(2, [2, 1], rng=random.Random(0))
    texts = [t.strip() for t in svg_texts(draw_network(model, title="<a & b> \\G").pipe("svg"))]
    assert "<a & b> \\G" in texts


def test_frame_captions_keep_backslashes(tmp_path):
    x, w = tg.Value(2.0, label="x\\G"), tg.Value(3.0, label="w")
    y = x * w
    y.label = "y"
    paths = save_backward_frames(y, tmp_path)
    texts = [t.strip() for t in svg_texts(paths[-1].read_bytes())]
    # w's step reads x's data: "step k of 3: w.grad += (x\G).data (2.0000) * y.grad ..."
    assert any(t.startswith("step ") and "+= (x\\G).data (2.0000) * y.grad" in t
               for t in texts), texts


# --- sizes too large to lay out --------------------------------------------------------------

def _chain(n_nodes: int):
    """A graph of exactly ``n_nodes`` nodes: x, then x + 1 + 1 ... (each + makes a constant)."""
    y = tg.Value(0.5, label="x")
    for _ in range((n_nodes - 1) // 2):
        y = y + 1.0
    return y


def test_draw_graph_refuses_more_than_max_nodes_by_default():
    y = _chain(1001)
    with pytest.raises(ValueError) as info:
        draw_graph(y)
    assert str(info.value) == (
        "draw_graph: the graph has 1001 nodes, more than max_nodes=1000 (layout time grows "
        "faster than the size); draw a part of it (draw_graph of an intermediate value), fewer "
        "rows or a smaller network, or tensors instead of scalars (one node per layer, not per "
        "weight), or pass max_nodes=1001 (None: no limit) to draw it anyway")


def test_draw_graph_at_the_limit_and_without_one():
    assert draw_graph(_chain(1001), max_nodes=1001).source.count("->") == 1000
    source = draw_graph(_chain(5001), max_nodes=None).source  # DOT text of any size is quick
    assert source.count("->") == 5000


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "1000"])
def test_max_nodes_must_be_a_positive_whole_number_or_none(bad):
    with pytest.raises(ValueError, match=r"draw_graph: max_nodes must be a positive whole "
                                         r"number or None, not "):
        draw_graph(classic_neuron(), max_nodes=bad)


def test_draw_network_counts_drawn_inputs_and_neurons():
    deep = nn.MLP(2, [2] * 100, rng=random.Random(0))  # 2 inputs + 200 neurons
    with pytest.raises(ValueError) as info:
        draw_network(deep)
    message = str(info.value)
    assert message.startswith("draw_network: the drawing has 202 inputs and neurons in 100 "
                              "layers, more than max_nodes=200")
    assert "max_neurons" in message and message.endswith("pass max_nodes=202 (None: no limit) "
                                                         "to draw it anyway")
    assert draw_network(deep, max_nodes=202).source.count("->") == 4 * 100
    # Eliding wide layers keeps a wide network well under the limit: 5 + 1 + 5 shown per layer.
    wide = nn.MLP(100, [100, 100], rng=random.Random(0))
    assert "… 90 more neurons …" in draw_network(wide).source


def test_save_backward_frames_refuses_a_big_graph_before_writing(tmp_path):
    y = _chain(101)
    with pytest.raises(ValueError, match=r"^save_backward_frames: the graph has 101 nodes, more "
                                         r"than max_nodes=100 .*walk a smaller expression"):
        save_backward_frames(y, tmp_path / "frames")
    assert not (tmp_path / "frames").exists()


# --- re-running save_backward_frames ---------------------------------------------------------

def test_a_second_shorter_walk_removes_its_own_stale_frames_only(tmp_path):
    long = save_backward_frames(classic_neuron(backward=False), tmp_path)
    assert len(long) == 10
    keep = ["notes.txt", "step_01.svg", "step_abc.svg", "mystep_001.svg", "step_002.svg.bak",
            "step_003.png"]
    for name in keep:
        (tmp_path / name).write_text("mine")
    (tmp_path / "step_999.svg").mkdir()  # a directory of that name is not a frame
    x, w = tg.Value(2.0, label="x"), tg.Value(3.0, label="w")
    short = save_backward_frames(x * w, tmp_path)
    assert len(short) == len(backward_steps(x * w)) == 3
    frames = sorted(p.name for p in tmp_path.glob("step_[0-9][0-9][0-9].svg") if p.is_file())
    assert frames == ["step_001.svg", "step_002.svg", "step_003.svg"]
    for name in keep:
        assert (tmp_path / name).read_text() == "mine"
    assert (tmp_path / "step_999.svg").is_dir()
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "step_003.svg" in page and "step_004.svg" not in page


# --- tinygrad-bp graph -o '' ----------------------------------------------------------------

@pytest.mark.parametrize("option, kind", [("-o", "file"), ("--output", "file"),
                                          ("--frames", "directory")])
def test_an_empty_file_name_is_a_usage_error(tmp_path, monkeypatch, capsys, option, kind):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", option, ""]) == 2
    out, err = capsys.readouterr()
    flag = "-o/--output" if option != "--frames" else "--frames"
    assert out == "" and err == (f"tinygrad-bp: error: argument {flag}: expected a {kind} "
                                 f"name, got '' (see 'tinygrad-bp graph --help')\n")
    assert list(tmp_path.iterdir()) == []
