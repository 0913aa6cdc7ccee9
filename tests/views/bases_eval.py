"""A small evaluator of the Obsidian Bases formula language, for the tests of People.base.

It covers the part of the language the generated base uses (Obsidian's help, `Bases/*`
pages: operators, `if`, `list`, `date`, `today`, `number`, string, list, date, number and
regular-expression methods, `file.inFolder`), with JavaScript's truthiness and Bases' date
arithmetic: a duration string (`"2w"`, `"1M"`) added to a date, `M` a month and `m` a
minute, months clamped to the month's end as Moment.js does. Anything else raises, so a
formula outside this subset fails the test rather than passing unread.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_UNITS = {
    "y": "year", "year": "year", "years": "year",
    "M": "month", "month": "month", "months": "month",
    "w": "week", "week": "week", "weeks": "week",
    "d": "day", "day": "day", "days": "day",
    "h": "hour", "hour": "hour", "hours": "hour",
    "m": "minute", "minute": "minute", "minutes": "minute",
    "s": "second", "second": "second", "seconds": "second",
}  # fmt: skip
DURATION_RE = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")


class Regex:
    def __init__(self, pattern: str, flags: str) -> None:
        self.pattern = re.compile(pattern)
        self.all = "g" in flags


def add_duration(when: dt.datetime, text: str, sign: int = 1) -> dt.datetime:
    match = DURATION_RE.match(text)
    if not match or match.group(2) not in _UNITS:
        raise ValueError(f"not a Bases duration: {text!r}")
    count, unit = int(match.group(1)) * sign, _UNITS[match.group(2)]
    if unit in ("year", "month"):
        months = count * (12 if unit == "year" else 1)
        index = when.year * 12 + when.month - 1 + months
        year, month = divmod(index, 12)
        day = min(when.day, calendar.monthrange(year, month + 1)[1])
        return when.replace(year=year, month=month + 1, day=day)
    seconds = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "second": 1}[unit]
    return when + dt.timedelta(seconds=count * seconds)


def truthy(value: Any) -> bool:
    if isinstance(value, list):
        return True  # JavaScript: an empty array is truthy
    return bool(value)


def to_string(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date"
    if isinstance(value, list):
        return "list"
    return "object"


@dataclass
class Note:
    """One file as a base sees it: its front matter (as Obsidian typed it) and its path."""

    path: str
    properties: Mapping[str, Any]
    formulas: Mapping[str, str]
    today: dt.date
    cache: dict[str, Any] = field(default_factory=dict)

    def formula(self, name: str) -> Any:
        if name not in self.cache:
            if name not in self.formulas:
                raise KeyError(f"no formula {name!r}")
            self.cache[name] = None  # a cycle reads null rather than looping
            self.cache[name] = evaluate(self.formulas[name], self)
        return self.cache[name]

    def file(self, name: str) -> Any:
        stem = self.path.rsplit("/", 1)[-1]
        return {
            "name": stem.rsplit(".", 1)[0] if stem.endswith(".md") else stem,
            "ext": stem.rsplit(".", 1)[-1],
            "path": self.path,
            "folder": self.path.rsplit("/", 1)[0] if "/" in self.path else "",
        }[name]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> SyntaxError:
        return SyntaxError(f"{what} at {self.pos} in {self.text!r}")

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def take(self, *options: str) -> str | None:
        self.skip()
        for option in options:
            if self.text.startswith(option, self.pos):
                self.pos += len(option)
                return option
        return None

    def expect(self, token: str) -> None:
        if self.take(token) is None:
            raise self.fail(f"expected {token!r}")

    def parse(self) -> tuple[Any, ...]:
        node = self.expression()
        self.skip()
        if self.pos != len(self.text):
            raise self.fail("unexpected text")
        return node

    def expression(self) -> tuple[Any, ...]:
        return self.binary(0)

    _LEVELS = (("||",), ("&&",), ("==", "!="), ("<=", ">=", "<", ">"), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> tuple[Any, ...]:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while True:
            self.skip()
            # `!=` is not `!`, `<=` not `<`: the options are tried longest first.
            op = self.take(*self._LEVELS[level])
            if op is None:
                return node
            node = ("op", op, node, self.binary(level + 1))

    def unary(self) -> tuple[Any, ...]:
        if self.take("!"):
            return ("not", self.unary())
        if self.take("-"):
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: tuple[Any, ...]) -> tuple[Any, ...]:
        while True:
            if self.take("."):
                name = self.identifier()
                node = ("method", node, name, self.arguments()) if self.take("(") else ("member", node, name)
            elif self.take("["):
                index = self.expression()
                self.expect("]")
                node = ("index", node, index)
            else:
                return node

    def arguments(self) -> list[tuple[Any, ...]]:
        args: list[tuple[Any, ...]] = []
        if self.take(")"):
            return args
        while True:
            args.append(self.expression())
            if self.take(")"):
                return args
            self.expect(",")

    def identifier(self) -> str:
        self.skip()
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.text, self.pos)
        if not match:
            raise self.fail("expected a name")
        self.pos = match.end()
        return match.group()

    def primary(self) -> tuple[Any, ...]:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("unexpected end")
        char = self.text[self.pos]
        if char in "\"'":
            end = self.pos + 1
            out = []
            while self.text[end] != char:
                if self.text[end] == "\\":
                    end += 1
                out.append(self.text[end])
                end += 1
            self.pos = end + 1
            return ("lit", "".join(out))
        if char == "/":
            match = re.compile(r"/((?:\\.|[^/\\])+)/([a-z]*)").match(self.text, self.pos)
            if not match:
                raise self.fail("bad regular expression")
            self.pos = match.end()
            return ("lit", Regex(match.group(1), match.group(2)))
        if char.isdigit():
            match = re.compile(r"\d+(\.\d+)?").match(self.text, self.pos)
            assert match
            self.pos = match.end()
            return ("lit", float(match.group()) if match.group(1) else int(match.group()))
        if self.take("("):
            node = self.expression()
            self.expect(")")
            return node
        if self.take("["):
            items: list[tuple[Any, ...]] = []
            if not self.take("]"):
                while True:
                    items.append(self.expression())
                    if self.take("]"):
                        break
                    self.expect(",")
            return ("list", items)
        name = self.identifier()
        if name in ("true", "false", "null"):
            return ("lit", {"true": True, "false": False, "null": None}[name])
        if self.take("("):
            return ("call", name, self.arguments())
        return ("name", name)


def parse(text: str) -> tuple[Any, ...]:
    """The syntax tree of a Bases expression (SyntaxError when it is not one)."""
    return _Parser(text).parse()


def evaluate(text: str, note: Note, value: Any = None) -> Any:
    """The value of a Bases expression for one note."""
    return _eval(parse(text), note, value)


def _eval(node: tuple[Any, ...], note: Note, value: Any) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "list":
        return [_eval(item, note, value) for item in node[1]]
    if kind == "name":
        name = node[1]
        if name == "value":
            return value
        if name in ("note", "file", "formula"):
            return ("namespace", name)
        return note.properties.get(name)
    if kind == "member":
        target = _eval(node[1], note, value)
        name = node[2]
        if isinstance(target, tuple) and target[0] == "namespace":
            if target[1] == "note":
                return note.properties.get(name)
            if target[1] == "formula":
                return note.formula(name)
            return note.file(name)
        if name == "length" and isinstance(target, (list, str)):
            return len(target)
        if name == "year" and isinstance(target, dt.datetime):
            return target.year
        if target is None:
            return None
        raise TypeError(f"no field {name!r} on {_type_name(target)}")
    if kind == "not":
        return not truthy(_eval(node[1], note, value))
    if kind == "neg":
        return -_eval(node[1], note, value)
    if kind == "op":
        return _operator(node, note, value)
    if kind == "call":
        return _function(node[1], node[2], note, value)
    if kind == "method":
        return _method(node, note, value)
    raise TypeError(f"cannot evaluate {kind}")


def _operator(node: tuple[Any, ...], note: Note, value: Any) -> Any:
    op = node[1]
    left = _eval(node[2], note, value)
    if op == "&&":
        return _eval(node[3], note, value) if truthy(left) else left
    if op == "||":
        return left if truthy(left) else _eval(node[3], note, value)
    right = _eval(node[3], note, value)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in ("<", "<=", ">", ">="):
        if left is None or right is None:
            return False
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        }  # fmt: skip
        return compare[op](left, right)
    if isinstance(left, dt.datetime):
        if isinstance(right, str) and op in "+-":
            return add_duration(left, right, 1 if op == "+" else -1)
        if isinstance(right, dt.datetime) and op == "-":
            return (left - right).total_seconds() * 1000
        raise TypeError(f"date {op} {_type_name(right)}")
    if op == "+" and (isinstance(left, str) or isinstance(right, str)):
        return to_string(left) + to_string(right)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
        raise TypeError(f"{_type_name(left)} {op} {_type_name(right)}")
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right
    return left % right


def _function(name: str, args: list[tuple[Any, ...]], note: Note, value: Any) -> Any:
    if name == "if":
        condition = _eval(args[0], note, value)
        if truthy(condition):
            return _eval(args[1], note, value)
        return _eval(args[2], note, value) if len(args) > 2 else None
    values = [_eval(arg, note, value) for arg in args]
    if name == "today":
        return dt.datetime.combine(note.today, dt.time())
    if name == "list":
        return values[0] if isinstance(values[0], list) else [values[0]]
    if name == "date":
        text = values[0]
        if not isinstance(text, str):
            raise TypeError(f"date() of {_type_name(text)}")
        return dt.datetime.fromisoformat(text.strip())
    if name == "number":
        return float(values[0])
    raise NameError(f"no function {name}()")


def _method(node: tuple[Any, ...], note: Note, value: Any) -> Any:
    target = _eval(node[1], note, value)
    name, args = node[2], node[3]
    if isinstance(target, tuple) and target[0] == "namespace" and target[1] == "file":
        folder = _eval(args[0], note, value)
        if name == "inFolder":
            return note.path.startswith(folder.rstrip("/") + "/")
        raise NameError(f"file.{name}()")
    if name in ("map", "filter"):
        if not isinstance(target, list):
            raise TypeError(f"{name}() on {_type_name(target)}")
        results = [_eval(args[0], note, item) for item in target]
        if name == "map":
            return results
        return [item for item, keep in zip(target, results, strict=True) if truthy(keep)]
    values = [_eval(arg, note, value) for arg in args]
    if name == "isType":
        return _type_name(target) == values[0]
    if name == "toString":
        return to_string(target)
    if target is None:
        raise TypeError(f"{name}() on null")
    if isinstance(target, Regex) and name == "matches":
        return target.pattern.search(values[0]) is not None
    if isinstance(target, str):
        if name == "trim":
            return target.strip()
        if name == "lower":
            return target.lower()
        if name == "startsWith":
            return target.startswith(values[0])
        if name == "endsWith":
            return target.endswith(values[0])
        if name == "contains":
            return values[0] in target
        if name == "slice":
            return target[values[0] : values[1] if len(values) > 1 else None]
        if name == "split":
            separator = values[0]
            if isinstance(separator, Regex):
                return separator.pattern.split(target)
            return target.split(separator)
        if name == "replace":
            pattern, replacement = values
            if isinstance(pattern, Regex):
                return pattern.pattern.sub(replacement, target, count=0 if pattern.all else 1)
            return target.replace(pattern, replacement)
    if isinstance(target, list) and name == "contains":
        return values[0] in target
    if isinstance(target, (int, float)) and name == "round":
        return math.floor(target + 0.5)
    if isinstance(target, dt.datetime) and name == "format":
        pattern = values[0]
        for moment, python in (("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d")):
            pattern = pattern.replace(moment, python)
        return target.strftime(pattern)
    raise NameError(f"no method {name}() on {_type_name(target)}")


def matches_filter(rule: Any, note: Note) -> bool:
    """Whether a note passes a Bases filter (a statement, or an `and`/`or`/`not` object)."""
    if isinstance(rule, str):
        return truthy(evaluate(rule, note))
    ((conjunction, rules),) = rule.items()
    results = [matches_filter(r, note) for r in rules]
    if conjunction == "and":
        return all(results)
    if conjunction == "or":
        return any(results)
    if conjunction == "not":
        return not any(results)
    raise ValueError(f"unknown filter conjunction {conjunction!r}")
