"""``tinygrad-bp graph``: draw a sample graph or network to a file (a thin layer over the viz API).

``add_graph_arguments(parser)`` declares the options; ``cli_graph(args)`` runs them and returns
the exit status: 0 done, 1 the picture could not be drawn or written, 2 a bad request. Errors
are one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import samples
from .graph import draw_graph
from .network import draw_network
from .render import RenderError
from .walkthrough import explain_backward, save_backward_frames

GRAPHS = {"neuron": samples.classic_neuron, "loss": samples.tutorial_loss}
NETWORKS = {"tutorial": samples.tutorial_network, "seeds": samples.seeds_network}
PICTURE_FORMATS = {".svg": "svg", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
TEXT_FORMATS = (".dot", ".gv")


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``tinygrad-bp graph``."""
    parser.add_argument(
        "what", nargs="?", default="neuron", choices=[*GRAPHS, *NETWORKS],
        help="neuron: micrograd's o = tanh(x1*w1 + x2*w2 + b) after backward (default); "
             "loss: the tutorial's 2-1-2 network and its loss, one scalar per node; "
             "tutorial: that network drawn as neurons in layers (random.seed(1)); "
             "seeds: the 7-5-3 wheat-seeds network")
    parser.add_argument(
        "-o", "--output", metavar="FILE",
        help="write the picture to FILE; the suffix picks the format: .svg .png .jpg or "
             ".dot/.gv for DOT text (default: DOT text on standard output)")
    parser.add_argument(
        "--no-grad", action="store_true",
        help="a worksheet: leave gradients and derivative numbers (outputs and deltas, for a "
             "network) blank")
    parser.add_argument("--rankdir", choices=["LR", "TB"], default="LR",
                        help="LR: inputs on the left (default); TB: inputs on top")
    parser.add_argument("--explain", action="store_true",
                        help="print each step of the backward pass (neuron, loss)")
    parser.add_argument("--frames", metavar="DIR",
                        help="write one SVG per backward step and DIR/index.html to step "
                             "through them (neuron, loss)")


def _fail(message: str, status: int) -> int:
    print(f"tinygrad-bp graph: {message}", file=sys.stderr)
    return status


def cli_graph(args: argparse.Namespace) -> int:
    """Run ``tinygrad-bp graph`` with parsed ``args``; returns the exit status."""
    output = Path(args.output) if args.output else None
    suffix = output.suffix.lower() if output else ""
    if output and suffix not in PICTURE_FORMATS and suffix not in TEXT_FORMATS:
        known = " ".join([*PICTURE_FORMATS, *TEXT_FORMATS])
        given = suffix or "(none)"
        return _fail(f"{args.output}: unknown suffix {given!r}; use one of {known}", 2)
    if args.what in NETWORKS and (args.explain or args.frames):
        return _fail(f"--explain and --frames walk a computation graph; "
                     f"choose {' or '.join(GRAPHS)}, not {args.what}", 2)
    try:
        if args.what in GRAPHS:
            root = GRAPHS[args.what](backward=False)
            if args.frames:
                paths = save_backward_frames(root, args.frames, rankdir=args.rankdir)
                print(f"wrote {len(paths)} frames and {Path(args.frames) / 'index.html'}")
            if args.explain:
                explain_backward(root)
            else:
                root.backward()
            figure = draw_graph(root, rankdir=args.rankdir, show_grad=not args.no_grad)
        else:
            figure = draw_network(NETWORKS[args.what](), rankdir=args.rankdir,
                                  show_values=not args.no_grad)
        if output is None:
            if not (args.explain or args.frames):
                sys.stdout.write(figure.source)
            return 0
        if suffix in TEXT_FORMATS:
            data = figure.source.encode("utf-8")
        else:
            data = figure.pipe(format=PICTURE_FORMATS[suffix], quiet=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except RenderError as error:
        return _fail(str(error), 1)
    except BrokenPipeError:  # a reader that stopped early; the caller decides what that means
        raise
    except OSError as error:
        where = error.filename or args.output or "standard output"
        return _fail(f"{where}: {error.strerror or error}", 1)
    print(f"wrote {output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m tinygrad_bp.viz``) until the main CLI has ``graph``."""
    parser = argparse.ArgumentParser(prog="tinygrad-bp graph", description=__doc__.split("\n")[0])
    add_graph_arguments(parser)
    return cli_graph(parser.parse_args(argv))
