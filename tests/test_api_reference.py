"""docs/api.md is what docs/make_api_reference.py writes from today's docstrings."""

from pathlib import Path
from reference.scripts import load

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    return load(ROOT / "docs" / "make_api_reference.py")


def test_the_api_reference_is_up_to_date() -> None:
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert written == _generator().reference(), (
        "docs/api.md is stale: run `python docs/make_api_reference.py`")


def test_the_reference_lists_every_public_name_of_api_md() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ["Value", "gradcheck", "check_grads", "no_grad", "draw_graph", "draw_network",
                 "MLP", "Layer", "Neuron", "half_squared_error", "cross_entropy", "SGD", "Adam",
                 "load_csv", "load_wheat_seeds", "initialize_network", "train_network",
                 "cross_validate"]:
        assert f"`{name}(" in text or f"class `{name}(" in text, name


def test_defaults_are_spelled_the_same_on_every_machine() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert " at 0x" not in text and "site-packages" not in text and "<module" not in text
