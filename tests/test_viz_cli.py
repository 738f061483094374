"""``tinygrad-bp graph`` (cli.add_graph_arguments, cli.cli_graph) and examples/10_draw_graph.py."""
import argparse
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from reference.svg import svg_texts

import tinygrad_bp.viz.render as render
from tinygrad_bp.cli import add_graph_arguments, cli_graph

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tinygrad-bp graph")
    add_graph_arguments(parser)
    return cli_graph(parser.parse_args(list(argv)))


def test_default_is_the_classic_neuron_as_dot_on_stdout(capsys) -> None:
    assert run() == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph") and "0.7071" in out and "-1.5000" in out


@pytest.mark.parametrize("what", ["neuron", "loss", "tutorial", "seeds"])
def test_each_picture_to_svg(tmp_path, what) -> None:
    path = tmp_path / f"{what}.svg"
    assert run(what, "--output", str(path)) == 0
    ET.fromstring(path.read_bytes())


def test_png_and_dot_by_suffix(tmp_path) -> None:
    assert run("tutorial", "-o", str(tmp_path / "net.png")) == 0
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("-o", str(tmp_path / "g.gv")) == 0
    assert (tmp_path / "g.gv").read_text(encoding="utf-8").startswith("digraph")


def test_no_grad_makes_a_worksheet(tmp_path) -> None:
    assert run("--no-grad", "-o", str(tmp_path / "w.dot")) == 0
    text = (tmp_path / "w.dot").read_text(encoding="utf-8")
    assert "_______" in text and "-1.5000" not in text
    assert run("tutorial", "--no-grad", "-o", str(tmp_path / "n.dot")) == 0
    assert "-0.1481" not in (tmp_path / "n.dot").read_text(encoding="utf-8")


def test_explain_and_frames(tmp_path, capsys) -> None:
    assert run("--explain", "--frames", str(tmp_path / "f")) == 0
    out = capsys.readouterr().out
    assert "x1.grad += w1.data (-3.0000) * x1w1.grad (0.5000) = -1.5000" in out
    assert len(list((tmp_path / "f").glob("step_*.svg"))) == 10
    assert (tmp_path / "f" / "index.html").exists()


def test_bad_requests_exit_2_with_one_line(tmp_path, capsys) -> None:
    assert run("-o", str(tmp_path / "g.pdf")) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert run("seeds", "--explain") == 2
    assert "neuron or loss" in capsys.readouterr().err



def test_a_failed_write_to_standard_output_names_it(monkeypatch, capsys) -> None:
    class Full:  # like stdout redirected to a full disk (> /dev/full)
        def write(self, text):
            raise OSError(28, "No space left on device")

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Full())
    assert run() == 1
    assert capsys.readouterr().err == (
        "tinygrad-bp: error: standard output: No space left on device\n")


def test_no_renderer_exits_1_naming_both_options(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv(render.RENDERER_ENV, raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(render, "_script_dirs", list)
    assert run("-o", str(tmp_path / "g.svg")) == 1
    err = capsys.readouterr().err
    assert err.startswith("tinygrad-bp: error: ") and err.count("\n") == 1
    assert "graphviz-pure" in err and "`dot`" in err and "Traceback" not in err
    assert not (tmp_path / "g.svg").exists()
    assert run("-o", str(tmp_path / "g.dot")) == 0  # DOT text needs no renderer


def test_module_entry_point(tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tinygrad_bp", "graph", "-o", str(tmp_path / "g.svg")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    ET.fromstring((tmp_path / "g.svg").read_bytes())


def test_example_renders_the_readme_picture_and_matches_docs_images(tmp_path, examples) -> None:
    printed = examples("10_draw_graph", "all", "--out", str(tmp_path))
    assert "step 9 of 10: x1.grad += w1.data (-3.0000) * x1w1.grad (0.5000) = -1.5000" in printed
    texts = svg_texts(tmp_path / "graph.svg", strip=True)
    for expected in ["0.7071", "-1.5000", "1.0000", "∂o/∂n = 0.5000", "tanh"]:
        assert expected in texts
    # docs/images holds what the example draws: re-run it after changing the drawings
    for name in ["graph.svg", "graph-worksheet.svg", "backward-step-9.svg", "network-2-1-2.svg",
                 "network-7-5-3.svg"]:
        shown, drawn = REPO / "docs" / "images" / name, tmp_path / name
        assert sorted(svg_texts(shown, strip=True)) == sorted(svg_texts(drawn, strip=True))
