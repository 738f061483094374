"""An op's derivative rule rewritten with the graph's own names, for edges and walk-throughs.

Each op's docstring gives its rule per input in terms of ``a``, ``b`` (the inputs), ``y`` (the
output), ``k`` (a plain parameter) and ``g`` (the gradient arriving at the output), e.g.
``da = g * b``. A learner reads ``dx1 = g * w1`` or ``x1.grad += w1.data * n.grad`` more
easily, so these helpers put the names of the nodes in a graph in place of those letters.
"""

from __future__ import annotations

import re

from .labels import compact, term

_LETTER = re.compile(r"\b(da_i|da|db|a|b|y|k|g|i)\b")


def _names(child, slot: int, names: dict[int, str], data: bool) -> dict[str, str]:
    """What each letter of ``child``'s rule stands for (``data`` adds ``.data`` to values)."""
    suffix = ".data" if data else ""

    def value(node) -> str:
        name = term(names[id(node)])
        named_by_value = node._op is None and not node.requires_grad and not node.label
        return name if named_by_value else name + suffix

    parents = child._parents
    parent = parents[slot]
    letters = {
        "y": value(child),
        "g": term(names[id(child)]) + ".grad" if data else "g",
        "i": str(slot),
    }
    letters["da"] = letters["db"] = letters["da_i"] = "d" + term(names[id(parent)])
    if parents:
        letters["a"] = value(parents[0])
    if len(parents) > 1:
        letters["b"] = value(parents[1])
    if child._args and isinstance(child._args[0], (int, float)):
        letters["k"] = compact(float(child._args[0]))
    return letters


def substitute(text: str, letters: dict[str, str]) -> str:
    return _LETTER.sub(lambda m: letters.get(m.group(1), m.group(1)), text)


def rule_for(child, slot: int) -> str:
    """The raw rule of ``child``'s op for input ``slot``, e.g. ``da = g * b``."""
    derivatives = child._op.rules()[1]
    return derivatives[min(slot, len(derivatives) - 1)]


def edge_rule(child, slot: int, names: dict[int, str]) -> str:
    """The rule for one edge with the graph's names: ``dW = g @ x.T``."""
    return substitute(rule_for(child, slot), _names(child, slot, names, data=False))


def local_expression(child, slot: int, names: dict[int, str]) -> str | None:
    """d child / d input as an expression in the graph's names (``w1.data``), or None.

    It is the rule with the factor ``g`` taken out, which works for every scalar rule of the
    form ``g``, ``-g``, ``g * X``, ``g / X`` or ``-g * X``.
    """
    rhs = rule_for(child, slot).partition("=")[2].strip()
    if rhs == "g":
        local = "1"
    elif rhs == "-g":
        local = "-1"
    elif rhs.startswith("g * "):
        local = rhs[4:]
    elif rhs.startswith("g / "):
        local = "1 / " + rhs[4:]
    elif rhs.startswith("-g * "):
        local = "-" + rhs[5:]
    else:
        return None
    return substitute(local, _names(child, slot, names, data=True))


def gradient_expression(child, slot: int, names: dict[int, str]) -> str:
    """The rule's right-hand side with the graph's names: ``h.grad @ x.data.T``."""
    rhs = rule_for(child, slot).partition("=")[2].strip()
    return substitute(rhs, _names(child, slot, names, data=True))
