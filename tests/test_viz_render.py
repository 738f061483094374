"""Real renders with no system Graphviz: SVG parsed as XML, PNG checked by its signature.

These run whatever ``find_renderer`` finds (here graphviz-pure, installed as a dependency).
"""

import pytest
from reference.svg import svg_texts

import tinygrad_bp.viz.render as render
from tinygrad_bp.errors import TinygradBPError
from tinygrad_bp.viz import RenderError, draw_graph, draw_network, find_renderer
from tinygrad_bp.tutorial.samples import classic_neuron, seeds_network, tutorial_network

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_renderer_is_found() -> None:
    assert find_renderer() is not None


def test_pipe_svg_is_xml_with_the_numbers() -> None:
    texts = svg_texts(draw_graph(classic_neuron()).pipe(format="svg"))
    assert "0.7071" in texts and "-1.5000" in texts
    assert "∂x1w1/∂x1 = -3.0000" in [t.strip() for t in texts]


def test_pipe_with_encoding_returns_text() -> None:
    svg = draw_graph(classic_neuron()).pipe(format="svg", encoding="utf-8")
    assert isinstance(svg, str) and svg.lstrip().startswith("<?xml")


def test_pipe_png_has_the_png_signature() -> None:
    png = draw_graph(classic_neuron()).pipe(format="png")
    assert png[:8] == PNG_SIGNATURE and len(png) > 1000


def test_render_writes_source_and_picture(tmp_path) -> None:
    dot = draw_graph(classic_neuron())
    path = dot.render("neuron", directory=tmp_path, format="png")
    assert path.endswith("neuron.png")
    assert (tmp_path / "neuron").read_text().startswith("digraph")
    assert (tmp_path / "neuron.png").read_bytes()[:8] == PNG_SIGNATURE
    svg = dot.render(outfile=tmp_path / "sub" / "n.svg")
    assert svg.endswith("n.svg") and (tmp_path / "sub" / "n.gv").exists()
    svg_texts((tmp_path / "sub" / "n.svg").read_bytes())
    dot.render(tmp_path / "clean", format="svg", cleanup=True)
    assert not (tmp_path / "clean").exists() and (tmp_path / "clean.svg").exists()


def test_default_format_is_svg(tmp_path) -> None:
    path = draw_graph(classic_neuron()).render(tmp_path / "g")
    assert path.endswith("g.svg")


def test_jupyter_display_goes_through_the_same_renderer() -> None:
    dot = draw_graph(classic_neuron())
    bundle = dot._repr_mimebundle_()
    assert "0.7071" in svg_texts(bundle["image/svg+xml"])
    assert "-1.5000" in svg_texts(dot._repr_svg_())
    png = dot._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png[:8] == PNG_SIGNATURE


def test_networks_render(tmp_path) -> None:
    texts = svg_texts(draw_network(tutorial_network()).pipe(format="svg"))
    assert "0.1344" in texts and "hidden layer · sigmoid" in texts
    png = draw_network(seeds_network()).pipe(format="png")
    assert png[:8] == PNG_SIGNATURE


def _no_renderer(monkeypatch) -> None:
    monkeypatch.delenv(render.RENDERER_ENV, raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(render, "_script_dirs", list)


def test_no_renderer_is_a_clear_error_naming_both_options(monkeypatch) -> None:
    _no_renderer(monkeypatch)
    assert find_renderer() is None
    dot = draw_graph(classic_neuron())
    assert "digraph" in dot.source  # the text needs no renderer
    with pytest.raises(RenderError) as caught:
        dot.pipe(format="svg")
    message = str(caught.value)
    assert "graphviz-pure" in message and "dot" in message and "graphviz.org" in message
    assert isinstance(caught.value, TinygradBPError)


def test_failed_render_leaves_no_files(monkeypatch, tmp_path) -> None:
    _no_renderer(monkeypatch)
    with pytest.raises(RenderError):
        draw_graph(classic_neuron()).render(tmp_path / "g", format="png")
    assert list(tmp_path.iterdir()) == []


def test_environment_variable_chooses_the_program(monkeypatch) -> None:
    program = find_renderer()
    monkeypatch.setenv(render.RENDERER_ENV, program)
    monkeypatch.setenv("PATH", "")
    assert find_renderer() == program
    assert draw_graph(classic_neuron()).pipe(format="svg")
    monkeypatch.setenv(render.RENDERER_ENV, "no-such-program-here")
    with pytest.raises(RenderError, match="no-such-program-here"):
        find_renderer()


def test_unsupported_format_names_the_problem() -> None:
    with pytest.raises(RenderError, match="could not draw"):
        draw_graph(classic_neuron()).pipe(format="nosuchformat")


def test_graphviz_pure_is_used_without_a_dot_on_path(monkeypatch) -> None:
    monkeypatch.delenv(render.RENDERER_ENV, raising=False)
    monkeypatch.setattr(render.shutil, "which", _which_without_dot(render.shutil.which))
    assert "graphviz-pure" in find_renderer()


def _which_without_dot(which):
    return lambda name, *args, **kwargs: None if name == "dot" else which(name, *args, **kwargs)


def test_a_figure_at_the_console_says_what_it_is_and_how_to_see_it() -> None:
    figure = draw_graph(classic_neuron())
    text = repr(figure)
    assert text.startswith("<Figure 'computation_graph': a drawing, ")
    assert f"{len(figure.body)} lines of DOT" in text
    for how in (".render('name', format='svg')", ".pipe(format='png')", ".source"):
        assert how in text
    assert " at 0x" not in text
