"""The ``tinygrad-bp`` command: a thin layer over functions users can call themselves.

``tinygrad-bp seeds`` runs the tutorial's wheat seeds case study (``tutorial.cross_validate``);
``tinygrad-bp graph`` draws a graph or a network (``viz``); ``tinygrad-bp check FILE.py`` checks a
learner's own ``backward_propagate_error`` against autograd (``tutorial.check_backprop``). Every
subcommand reports bad input the same way: one line on stderr, ``tinygrad-bp: error: <what is
wrong, and where>``, and exit status 2, never a traceback. The library is imported only when a
subcommand runs, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import TinygradBPError

if TYPE_CHECKING:
    from .tutorial.casestudy import CrossValidation

PROG = "tinygrad-bp"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2, like every other bad input."""

    def error(self, message: str):
        raise _UsageError(f"{message} (see '{self.prog} --help')")


class _UsageError(Exception):
    pass


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _file_name(text: str, kind: str = "file") -> str:
    # --data "$FILE" with FILE unset must not quietly use the bundled data, nor -o "$OUT" write
    # to standard output, nor --frames "$DIR" fill the current directory.
    if not text:
        raise argparse.ArgumentTypeError(f"expected a {kind} name, got ''")
    return text


def _directory_name(text: str) -> str:
    return _file_name(text, "directory")


def _svg_name(text: str) -> str:
    if Path(_file_name(text)).suffix.lower() != ".svg":
        raise argparse.ArgumentTypeError(f"the plot is an SVG picture: give a name ending in .svg, "
                                         f"got {text!r}")
    return text


PAGE_SNAPSHOTS = 11  # epochs 0, 50, ..., 500 with the default 500 epochs


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="tinygrad_bp: learn, teach and verify backpropagation.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    seeds = commands.add_parser(
        "seeds", help="the tutorial's wheat seeds case study (k-fold cross-validation)",
        description="Train the tutorial's sigmoid network with k-fold cross-validation and print "
                    "each fold's accuracy, the mean and a confusion matrix. The defaults reproduce "
                    "the tutorial's scores on the bundled wheat seeds data.")
    seeds.add_argument("--data", metavar="CSV", type=_file_name,
                       help="a CSV file with numeric features and the class label last "
                            "(default: the bundled wheat seeds data set)")
    seeds.add_argument("--seed", type=int, default=1,
                       help="seed for Python's random: fold split and initial weights (default 1)")
    seeds.add_argument("--folds", type=_count(2), default=5, help="number of folds (default 5)")
    seeds.add_argument("--epochs", type=_count(1), default=500,
                       help="passes over the training rows (default 500)")
    seeds.add_argument("--lr", type=_positive_float, default=0.3,
                       help="learning rate (default 0.3)")
    seeds.add_argument("--hidden", type=_count(1), default=5,
                       help="neurons in the hidden layer (default 5)")
    seeds.add_argument("--json", action="store_true",
                       help='print one JSON object {"scores": [...], "mean": ...} on stdout')
    seeds.add_argument("--quiet", action="store_true", help="no progress bar")
    seeds.add_argument("--plot", metavar="FILE.svg", type=_svg_name,
                       help="also write each fold's sum_error per epoch to FILE.svg, one line per "
                            "fold")
    seeds.add_argument("--page", metavar="DIR", type=_directory_name,
                       help="also write DIR/index.html: fold 1's network as it trains, snapshot "
                            f"by snapshot ({PAGE_SNAPSHOTS} snapshots), beside its curves")
    seeds.set_defaults(run=run_seeds)

    graph = commands.add_parser("graph", help="draw a computation graph or a network",
                                description="Draw the tutorial's networks or a small expression.")
    add_graph_arguments(graph)
    graph.set_defaults(run=cli_graph)

    check = commands.add_parser(
        "check", help="check your own backward_propagate_error against autograd",
        description="Import FILE.py, run its backward_propagate_error(network, expected) on "
                    "random networks in the tutorial's format and compare every neuron's delta "
                    "with autograd's -dE/da. Exit status 0: all match; 1: a delta is wrong; "
                    "2: bad input, or your code raised.")
    add_check_arguments(check)
    check.set_defaults(run=cli_check)
    return parser


def run_seeds(args: argparse.Namespace) -> int:
    from .data import load_csv, load_wheat_seeds
    from .tutorial.casestudy import cross_validate

    _check_outputs(args)  # before training, so a bad path costs no wasted run
    dataset = load_csv(args.data) if args.data else load_wheat_seeds()
    n_rows, n_features = dataset.features.shape
    if not args.json and n_rows // args.folds >= 1:  # else cross_validate says what is wrong
        # Before training, so a long run shows at once what it is doing.
        name = args.data or "wheat seeds (bundled)"
        print(f"Data: {name}: {n_rows} rows, {n_features} features, "
              f"{len(dataset.classes)} classes")
        if dataset.header:
            print(f"Header row skipped: {', '.join(dataset.header)}")
        per_fold = _count_of(n_rows // args.folds, "row")
        print(f"{args.folds}-fold cross-validation ({per_fold} per fold), "
              f"{args.epochs} epochs, learning rate {args.lr}, {args.hidden} hidden neurons, "
              f"seed {args.seed}", flush=True)
    with _progress(args.epochs, args.quiet) as on_epoch:
        result = cross_validate(dataset, n_folds=args.folds, l_rate=args.lr, n_epoch=args.epochs,
                                n_hidden=args.hidden, seed=args.seed, on_epoch=on_epoch,
                                history=bool(args.plot or args.page),
                                snapshots=min(PAGE_SNAPSHOTS, args.epochs + 1) if args.page else 0)
    written = _pictures(result, args)
    if args.json:
        print(json.dumps({"scores": result.scores, "mean": result.mean}))
        return 0
    print(f"Scores: {result.scores}")
    print(f"Mean Accuracy: {result.mean:.3f}%")
    print()
    print(format_confusion(result))
    print()
    print(f"Time: {result.seconds:.1f} s")
    for path in written:
        print(f"wrote {path}")
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """A usage error now, not after training, for a --plot file or --page folder that cannot be
    written."""
    if args.plot:
        if Path(args.plot).is_dir():
            raise _UsageError(f"--plot {args.plot}: is a directory, not a file")
        _writable_folder(f"--plot {args.plot}", Path(args.plot).parent)
    if args.page:
        if Path(args.page).exists() and not Path(args.page).is_dir():
            raise _UsageError(f"--page {args.page}: exists and is not a directory")
        _writable_folder(f"--page {args.page}", Path(args.page))


def _writable_folder(what: str, folder: Path) -> None:
    """Make ``folder`` (and its parents) now, or a usage error naming ``what`` and why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _UsageError(f"{what}: cannot make the folder {folder}: "
                          f"{error.strerror or error}") from None
    if not os.access(folder, os.W_OK):
        raise _UsageError(f"{what}: the folder {folder} is not writable")


def _count_of(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _pictures(result: CrossValidation, args: argparse.Namespace) -> list[Path]:
    """The --plot and --page files for a run recorded with its history."""
    from .viz.training import model_curves, save_training_page

    written = []
    if args.plot:
        chart = model_curves(result.history, "sum_error", label="fold", log_y=True,
                             title=f"sum_error per epoch, each of the {args.folds} folds")
        written.append(chart.save(args.plot))
    if args.page:
        title = f"Fold 1 of {args.folds} training, snapshot by snapshot"
        written.append(save_training_page(result.history, args.page, model=0, title=title)[-1])
    return written


def format_confusion(result: CrossValidation) -> str:
    """The confusion matrix as a table: one row per actual class, one column per predicted."""
    names = [str(c) for c in result.classes]
    width = max(6, *(len(n) for n in names), len(str(result.confusion.max())))
    lines = ["Confusion matrix (rows: actual class, columns: predicted), all held-out folds:",
             " " * (width + 2) + " ".join(n.rjust(width) for n in names)]
    for name, row in zip(names, result.confusion):
        lines.append(name.rjust(width) + "  " + " ".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


class _progress:
    """A tqdm bar over epochs on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, total: int, quiet: bool):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="epoch", file=sys.stderr, leave=False)

    def __enter__(self):
        # on_epoch gets the epoch's index; the bar moves one epoch per call.
        return (lambda epoch: self.bar.update(1)) if self.bar is not None else None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


# -- tinygrad-bp graph ------------------------------------------------------------------

# what can be drawn: the name on the command line, and the function in tutorial.samples
GRAPHS = {"neuron": "classic_neuron", "loss": "tutorial_loss"}
NETWORKS = {"tutorial": "tutorial_network", "seeds": "seeds_network"}
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
        "-o", "--output", metavar="FILE", type=_file_name,
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
    parser.add_argument("--frames", metavar="DIR", type=_directory_name,
                        help="write one SVG per backward step and DIR/index.html to step "
                             "through them (neuron, loss)")


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def cli_graph(args: argparse.Namespace) -> int:
    """Run ``tinygrad-bp graph`` with parsed ``args``; returns the exit status."""
    from .tutorial import samples
    from .viz import RenderError, draw_graph, draw_network, explain_backward, save_backward_frames

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
            root = getattr(samples, GRAPHS[args.what])(backward=False)
            if args.frames:
                paths = save_backward_frames(root, args.frames, rankdir=args.rankdir)
                print(f"wrote {len(paths)} frames and {Path(args.frames) / 'index.html'}")
            if args.explain:
                explain_backward(root)
            else:
                root.backward()
            figure = draw_graph(root, rankdir=args.rankdir, show_grad=not args.no_grad)
        else:
            figure = draw_network(getattr(samples, NETWORKS[args.what])(), rankdir=args.rankdir,
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


# -- tinygrad-bp check ------------------------------------------------------------------

def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``tinygrad-bp check``."""
    parser.add_argument("file", metavar="FILE.py",
                        help="a Python file defining backward_propagate_error(network, expected) "
                             "(and, if it calls one, transfer_derivative(output))")
    parser.add_argument("--networks", metavar="N", type=_count(1), default=100,
                        help="how many random networks to check on (default 100)")
    parser.add_argument("--seed", metavar="S", type=int, default=0,
                        help="seed of the random networks (default 0)")
    parser.add_argument("--timeout", metavar="SECONDS", type=_positive_float, default=60.0,
                        help="stop a file that runs longer than this, e.g. an endless loop "
                             "(default 60; not on Windows)")


def cli_check(args: argparse.Namespace) -> int:
    """Run ``tinygrad-bp check`` with parsed ``args``; returns the exit status."""
    from .tutorial.submissions import SubmissionError, check_backprop_file

    try:
        report = check_backprop_file(args.file, networks=args.networks, seed=args.seed,
                                     timeout=args.timeout)
    except SubmissionError as error:  # the one line, then the learner's own traceback lines
        print(f"{PROG}: error: {_one_line(error)}", file=sys.stderr)
        print("".join(error.traceback_lines), file=sys.stderr, end="")
        return 2
    print(f"{args.file}: backward_propagate_error: {report}")
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tinygrad-bp`` command; returns the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # a bare `tinygrad-bp`: say what it can do
            parser.print_help()
            return 0
        return args.run(args)
    except BrokenPipeError:  # the reader stopped early (`tinygrad-bp seeds | head`): no error
        _discard_stdout()
        return 141  # what a shell reports for a writer cut off by its reader (128 + SIGPIPE)
    except (_UsageError, TinygradBPError, ValueError, OSError) as error:
        print(f"{PROG}: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _discard_stdout() -> None:
    """Point stdout at the null device, so flushing what is left at exit cannot fail again."""
    # AttributeError, ValueError: stdout is no file (captured, replaced)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
