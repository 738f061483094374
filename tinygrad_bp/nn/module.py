"""``Module``: anything that holds parameters, found the way PyTorch users expect.

A subclass that sets a Value or another module as an attribute (``self.w = Value(...)``,
``self.l1 = Layer(...)``, ``self.blocks = [Layer(...), ...]``) has it among its parameters,
with no registering: ``parameters()`` looks through the module's attributes.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..value import Value, zero_grad


class Module:
    """Anything with parameters: ``parameters()`` lists them, ``zero_grad()`` resets their grads.

    A parameter is a leaf Value that wants a gradient (``requires_grad``, made by no op).
    ``parameters()`` finds them in the module's attributes, in the order they were set: Values,
    modules (their parameters, in turn) and lists, tuples and dicts of either. Values that an
    op made (say a forward pass's ``self.out``) and constants (``requires_grad=False``) are not
    parameters. A parameter shared by two attributes is listed once, as in PyTorch.
    """

    def parameters(self) -> list[Value]:
        found: dict[int, Value] = {}
        for _, value in self.named_parameters():
            found.setdefault(id(value), value)
        return list(found.values())

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(name, parameter)`` pairs named by attribute path (``"l1.W"``, ``"blocks.0.b"``)."""
        return _walk(self, "", {id(self)})

    def children(self) -> Iterator[tuple[str, Module | Value]]:
        """The Values and modules set directly as attributes, each with its attribute path."""
        seen = {id(self)}
        for name, value in vars(self).items():
            yield from _members(name, value, seen)

    def zero_grad(self) -> None:
        zero_grad(self.parameters())


def _walk(module: Module, prefix: str, seen: set[int]) -> Iterator[tuple[str, Value]]:
    """Every parameter under ``module``; ``seen`` holds the modules walked (a cycle stops)."""
    for name, value in vars(module).items():
        for path, member in _members(prefix + name, value, seen):
            if isinstance(member, Value):
                yield path, member
            elif type(member).parameters is not Module.parameters:  # its own list: respect it
                names = {id(v): name for name, v in _walk(member, path + ".", set(seen))}
                for i, p in enumerate(member.parameters()):
                    yield names.get(id(p), f"{path}.{i}"), p
            else:
                yield from _walk(member, path + ".", seen)


def _members(name: str, value, seen: set[int]) -> Iterator[tuple[str, Module | Value]]:
    """The Values and modules in one attribute (which may be a list, tuple or dict of them)."""
    if isinstance(value, Value):
        if value.requires_grad and value._op is None:
            yield name, value
    elif isinstance(value, Module):
        if id(value) not in seen:  # a module shared or pointing back is walked once
            seen.add(id(value))
            yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _members(f"{name}.{i}", item, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _members(f"{name}.{key}", item, seen)
