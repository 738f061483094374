"""The test suite's own helpers do what the tests rely on (conftest.py, reference/markdown.py)."""
import pytest
from conftest import Shared
from reference.markdown import DECIMAL, contains_in_order, parse, same_to_within


def test_two_workers_share_one_result(tmp_path) -> None:
    first, second = Shared(tmp_path), Shared(tmp_path)  # two xdist workers, one session folder
    assert first.claim(("k",)) and not second.claim(("k",))
    first.store(("k",), {"scores": [90.5]})
    assert second.fetch(("k",)) == first.fetch(("k",)) == {"scores": [90.5]}
    assert first.claim(("other",))
    first.store(("other",), error="the example exited 1")
    with pytest.raises(AssertionError, match="the example exited 1"):
        second.fetch(("other",))


def test_without_xdist_every_result_is_computed_here() -> None:
    alone = Shared(None)
    assert alone.claim(("k",)) and alone.claim(("k",))
    alone.store(("k",), 3)
    assert alone.fetch(("k",)) == 3


def test_same_to_within_compares_words_exactly_and_numbers_to_the_tolerance() -> None:
    shown = "autograd 0.04093800381077887, yours 0.5415309389313645 (allowed 5.52e-07)"
    assert same_to_within(shown, shown.replace("887,", "886,"), 1e-12)
    assert not same_to_within(shown, shown.replace("0.0409", "0.0419"), 1e-12)
    assert not same_to_within(shown, shown.replace("yours", "mine"), 1e-3)
    assert not same_to_within("a 1.0 b", "a 1.0 b 2.0", 1e-3)  # a number more
    assert not same_to_within("[1.5]", "[-1.5]", 1.0)  # opposite signs: twice the size apart


def test_parse_and_the_decimal_pattern() -> None:
    blocks, prose = parse("a 1.2345\n```python\nprint(1)\n```\n<!-- x -->\n```text\n1\n```\n")
    assert [b["lang"] for b in blocks] == ["python", "text"] and prose == "a 1.2345\n<!-- x -->"
    assert [b["above"] for b in blocks] == ["a 1.2345", "<!-- x -->"]
    assert DECIMAL.findall("x = 0.500, y = -1.25, z 6.350126629022046 v1.2.3") == \
        ["0.500", "6.350126629022046"]


def test_contains_in_order_reads_dots_as_lines_left_out() -> None:
    assert contains_in_order(("a", "b", "c", "d"), ["a", "...", "c", "d"])
    assert not contains_in_order(("a", "b", "c", "d"), ["a", "c"])
    assert not contains_in_order(("a", "b"), ["b", "...", "a"])
