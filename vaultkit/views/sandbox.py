"""A Jinja sandbox with limits: templates arrive with a synced vault, so they are untrusted.

Jinja's sandbox stops a template from reaching Python internals (`''.__class__`, function
globals) and from changing lists and dicts. It does not stop a template from running
forever or from building a string of many gigabytes. `GuardedEnvironment` adds that:

- a clock: calls, filters, tests, operators, attribute lookups and loop steps check a
  deadline, and so does `wordwrap` at every line it makes (textwrap's cost grows with the
  square of a long word); a filter given a long text or list reads the clock as soon as
  it returns, so slow steps cannot add up between two readings;
- sizes: a value that an operator (`+ * ** % ~`), a filter, a method call or a block
  capture would build is estimated before it is built where it can grow far past its
  inputs (padding, `replace`, `join`, repetition, format widths), checked after, and
  counted against a budget for the whole render.

The limits are generous for real templates (a meeting note renders in milliseconds) and
small enough that a runaway template fails in seconds with a message, not an OOM kill.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import re
import string
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, SupportsIndex

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment


@dataclass(frozen=True)
class Limits:
    """How far one render may go."""

    seconds: float = 2.0
    max_value: int = 2_000_000  # characters (or items) in any one value, and in the output
    max_built: int = 50_000_000  # characters (or items) built over the whole render
    max_int_bits: int = 4096


class RenderLimitError(SecurityError):
    """A template went past a time or size limit."""


_TICKS_PER_CLOCK_CHECK = 32
# A filter's work over a text or list counts one step per this many characters or items.
_CHARS_PER_STEP = 4096


class _Budget:
    """The clock and the running total of one render."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.built = 0
        self.countdown = _TICKS_PER_CLOCK_CHECK

    def tick(self, steps: int = 1) -> None:
        # Reading the clock costs more than most template steps; every step is bounded in
        # size, so looking every few dozen steps keeps the deadline within milliseconds. A
        # step over a long text or list counts as many (see _CHARS_PER_STEP).
        self.countdown -= steps
        if self.countdown > 0:
            return
        self.countdown = _TICKS_PER_CLOCK_CHECK
        if time.monotonic() > self.deadline:
            raise RenderLimitError(f"it ran for more than {self.limits.seconds:g} s")

    def charge(self, size: int) -> None:
        self.built += size
        if self.built > self.limits.max_built:
            raise RenderLimitError(f"it built more than {self.limits.max_built:,} characters")


_ACTIVE: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "vaultkit_render_budget", default=None
)

_Args = tuple[Any, ...]
_Kwargs = dict[str, Any]
_FLAT = (str, bytes)
_CONTAINERS = (list, tuple, set, frozenset, dict)


def deep_size(value: object, cap: int) -> int:
    """Characters and items reachable from `value` (what str() of it would roughly cost); stops past `cap`."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _FLAT):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
        if total > cap:
            break
    return total


def _shallow_size(value: object) -> int:
    if isinstance(value, (*_FLAT, *_CONTAINERS)):
        return len(value)
    return 1


def _text_size(value: object, cap: int) -> int:
    """What str(value) would cost, without building it when it is a container."""
    if isinstance(value, _FLAT):
        return len(value)
    if isinstance(value, _CONTAINERS):
        return 4 * deep_size(value, cap)  # quotes, commas and brackets of the repr
    return len(str(value)) if isinstance(value, (int, float)) else 64


_PRINTF_RE = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


@functools.lru_cache(maxsize=256)
def _printf_widths(template: str) -> tuple[int, bool]:
    """The widest width or precision in a `%` format, and whether one is `*`."""
    numbers = [n for match in _PRINTF_RE.finditer(template) for n in match.groups() if n is not None]
    return max((int(n) for n in numbers if n != "*"), default=0), "*" in numbers


class _GuardedCodeGenerator(CodeGenerator):
    """Compiles `{% for %}` to loop through `guard_iter` and `~` to `guard_join`."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        guarded = copy.copy(node)
        guarded.iter = nodes.Call(
            nodes.EnvironmentAttribute("guard_iter"), [node.iter], [], None, None, lineno=node.lineno
        )
        super().visit_For(guarded, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.guard_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with a deadline and size limits (see the module doc)."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _GuardedCodeGenerator

    def __init__(self, *args: Any, limits: Limits | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", self._finalize_output)
        super().__init__(*args, **kwargs)
        self.limits = limits or Limits()
        self.globals["lipsum"] = self._lipsum(self.globals["lipsum"])  # type: ignore[arg-type]
        self.filters["wordwrap"] = self._wordwrap
        for name, func in list(self.filters.items()):
            self.filters[name] = self._guard_filter(name, func)

    # -- the budget --------------------------------------------------------------------
    def render_bounded(self, template: Any, context: dict[str, Any]) -> str:
        """Render with the clock running and the output bounded; RenderLimitError past a limit."""
        budget = _Budget(self.limits)
        token = _ACTIVE.set(budget)
        parts: list[str] = []
        size = 0
        chunks = template.generate(**context)
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > self.limits.max_value:
                    raise RenderLimitError(f"its output is longer than {self.limits.max_value:,} characters")
                parts.append(chunk)
        finally:
            chunks.close()
            _ACTIVE.reset(token)
        return "".join(parts)

    def _tick(self, steps: int = 1) -> None:
        budget = _ACTIVE.get()
        if budget is not None:
            budget.tick(steps)

    def _check(self, size: int, what: str) -> None:
        if size > self.limits.max_value:
            raise RenderLimitError(
                f"{what} would be {size:,} characters long (the limit is {self.limits.max_value:,})"
            )

    def _built(self, value: Any, what: str) -> Any:
        """Check a value just built and count it against the render's budget."""
        size = _shallow_size(value)
        self._check(size, what)
        budget = _ACTIVE.get()
        if budget is not None:
            budget.charge(size)
        return value

    def _check_int(self, value: Any, what: str) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > self.limits.max_value:
            raise RenderLimitError(f"{what}: {value} is too large")

    # -- hooks the sandbox and the generated code call ----------------------------------
    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call a template makes: clock, size estimate, the call, size check."""
        __self._tick()
        receiver = getattr(__obj, "__self__", None)
        method = getattr(__obj, "__name__", "")
        plain_kwargs = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")}
        if isinstance(receiver, (*_FLAT, int)) and not isinstance(receiver, bool):
            __self._estimate_method(receiver, method, args, plain_kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        return __self._built(result, f"the result of {method or 'a call'}()")

    def _estimate_method(self, receiver: Any, method: str, args: _Args, kwargs: _Kwargs) -> None:
        what = f"{type(receiver).__name__}.{method}()"
        for value in (*args, *kwargs.values()):
            self._check_int(value, what)
        if method == "translate":
            raise RenderLimitError(f"{what} is not allowed in templates")
        if not isinstance(receiver, _FLAT):
            return
        if method == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            count = receiver.count(old) if old else len(receiver) + 1
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                count = min(count, args[2])
            self._check(len(receiver) + count * len(new), what)
        elif method == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            tabs = receiver.count("\t") if isinstance(receiver, str) else receiver.count(b"\t")
            self._check(len(receiver) + tabs * max(int(tabsize), 0), what)
        elif method == "join" and args:
            items = args[0]
            if not isinstance(items, (list, tuple)):
                raise RenderLimitError(f"{what} wants a list here: add |list, or use the join filter")
            total = sum(_text_size(item, self.limits.max_value) for item in items)
            self._check(total + len(receiver) * len(items), what)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`x.name`, also each item's lookup inside `sort`, `groupby`, `map` and the like."""
        budget = _ACTIVE.get()  # (inline: a template's commonest step)
        if budget is not None:
            budget.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`x[key]` and `x.key`, also each item's lookup inside the filters that take an attribute."""
        budget = _ACTIVE.get()  # (inline: a template's commonest step)
        if budget is not None:
            budget.tick()
        return super().getitem(obj, argument)

    def call_test(self, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        """`is defined` and the like, also each item's test inside `select` and `reject`."""
        self._tick()
        return super().call_test(name, value, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`+ * ** %`: estimate the result's size before building it."""
        self._tick()
        cap = self.limits.max_value
        if operator == "*":
            for count, seq in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(seq, (*_FLAT, list, tuple)):
                    self._check(max(count, 0) * deep_size(seq, cap), "a repetition with *")
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > self.limits.max_int_bits
            ):
                raise RenderLimitError("a multiplication gives a number too large for a template")
        elif operator == "**":
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and right * left.bit_length() > self.limits.max_int_bits
            ):
                raise RenderLimitError("a power gives a number too large for a template")
        elif operator == "+":
            if isinstance(left, (*_FLAT, list, tuple)) and isinstance(right, (*_FLAT, list, tuple)):
                self._check(len(left) + len(right), "a concatenation with +")
        elif operator == "%" and isinstance(left, str):
            self._check_printf(left, right)
        return self._built(super().call_binop(context, operator, left, right), f"the result of {operator}")

    def _check_printf(self, template: str, values: Any) -> None:
        """`'%5s' % x`: refuse huge widths and precisions, and huge values to convert."""
        cap = self.limits.max_value
        items = values if isinstance(values, tuple) else (values,)
        widest, starred = _printf_widths(template)
        self._check_int(widest, "a % format width")
        if starred:
            for value in items:
                self._check_int(value, "a % format width")
        self._check(len(template) + sum(_text_size(v, cap) for v in items), "a % format")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`'{:>9}'.format(x)`: the sandbox's formatter, with widths and values checked."""
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        pattern: str = value.__self__

        @wraps(formatter)
        def guarded(*args: Any, **kwargs: Any) -> str:
            cap = self.limits.max_value
            values = [*args, *kwargs.values()]
            if args and isinstance(args[0], dict) and value.__name__ == "format_map":
                values = list(args[0].values())
            for _text, _field, spec, _conversion in string.Formatter().parse(pattern):
                for number in re.findall(r"\d+", spec or ""):
                    self._check_int(int(number), "a format width")
                if spec and "{" in spec:
                    for item in values:
                        self._check_int(item, "a format width")
            self._check(len(pattern) + sum(_text_size(v, cap) for v in values), "a format()")
            return str(self._built(formatter(*args, **kwargs), "the result of format()"))

        return guarded

    def concat(self, parts: Iterable[str]) -> str:
        """Joins the output of a block capture, a macro or a call block, size checked first."""
        pieces = list(parts)
        self._check(sum(len(piece) for piece in pieces), "a captured block")
        return str(self._built("".join(pieces), "a captured block"))

    def guard_join(self, parts: tuple[Any, ...]) -> str:
        """The `~` operator, size checked first."""
        self._tick()
        cap = self.limits.max_value
        self._check(sum(_text_size(part, cap) for part in parts), "a concatenation with ~")
        return str(self._built("".join(str(part) for part in parts), "a concatenation with ~"))

    def guard_iter(self, iterable: Any) -> Iterator[Any]:
        """What every `{% for %}` loops over: the clock is checked at each step."""
        budget = _ACTIVE.get()
        for item in iterable:
            if budget is not None:
                budget.tick()
            yield item

    def _finalize_output(self, value: Any) -> Any:
        """`{{ value }}`: a list or dict is checked before it is turned into text."""
        if type(value) is not str and isinstance(value, _CONTAINERS):
            self._check(deep_size(value, self.limits.max_value), "the text of a list or dict")
        return value

    # -- filters and globals -------------------------------------------------------------
    def _guard_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        passes_arg = getattr(func, "jinja_pass_arg", None) is not None
        estimate = _FILTER_ESTIMATES.get(name)
        structural = name in _STRUCTURAL_FILTERS

        @wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self._tick()
            values = args[1:] if passes_arg else args
            if values and not structural and isinstance(values[0], _CONTAINERS):
                self._check(deep_size(values[0], self.limits.max_value), f"the {name} filter's text")
            if estimate is not None and values:
                estimate(self, values[0], values[1:], kwargs)
            result = self._built(func(*args, **kwargs), f"the {name} filter's result")
            handled = (_shallow_size(values[0]) if values else 0) + _shallow_size(result)
            if handled >= _CHARS_PER_STEP:
                self._tick(handled // _CHARS_PER_STEP)
            return result

        return guarded

    def _wordwrap(
        self,
        text: str,
        width: int = 79,
        break_long_words: bool = True,
        wrapstring: str | None = None,
        break_on_hyphens: bool = True,
    ) -> str:
        """Jinja's `wordwrap`, with the clock read at every word and every line it makes."""
        wrapper = _ClockedWrapper(
            self._tick,
            width=width,
            expand_tabs=False,
            replace_whitespace=False,
            break_long_words=break_long_words,
            break_on_hyphens=break_on_hyphens,
        )
        newline = self.newline_sequence if wrapstring is None else wrapstring
        return newline.join(newline.join(wrapper.wrap(line)) for line in str(text).splitlines())

    def _lipsum(self, func: Callable[..., str]) -> Callable[..., str]:
        @wraps(func)
        def bounded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
            if n * max > 100_000:
                raise RenderLimitError("lipsum() asked for too much text")
            return func(n, html, min, max)

        return bounded


class _ClockedWords(list[str]):
    """textwrap's stack of words and spaces: taking one off reads the render's clock."""

    def __init__(self, words: Iterable[str], tick: Callable[[], None]) -> None:
        super().__init__(words)
        self.tick = tick

    def pop(self, index: SupportsIndex = -1) -> str:
        self.tick()
        return super().pop(index)


class _ClockedWrapper(textwrap.TextWrapper):
    """A TextWrapper that reads the render's clock at every word and every cut of a long word.

    Cutting a word longer than the width copies the rest of it for each line, so a long
    word at a small width costs its length squared: the clock, not an estimate, stops it.
    """

    def __init__(self, tick: Callable[[], None], **options: Any) -> None:
        super().__init__(**options)
        self.tick = tick

    def _split_chunks(self, text: str) -> list[str]:
        return _ClockedWords(super()._split_chunks(text), self.tick)

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        self.tick()
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)


def _arg(args: _Args, kwargs: _Kwargs, index: int, name: str, default: Any) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _estimate_center(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    env._check_int(_arg(args, kwargs, 0, "width", 80), "the center filter's width")


def _estimate_indent(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    width = _arg(args, kwargs, 0, "width", 4)
    step = len(width) if isinstance(width, str) else int(width)
    text = str(value)
    env._check(len(text) + max(step, 0) * (text.count("\n") + 1), "the indent filter's result")


def _estimate_format(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    env._check_printf(str(value), tuple(args) or tuple(kwargs.values()))


def _estimate_replace(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    text, old, new = str(value), str(_arg(args, kwargs, 0, "old", "")), str(_arg(args, kwargs, 1, "new", ""))
    count = text.count(old) if old else len(text) + 1
    env._check(len(text) + count * len(new), "the replace filter's result")


def _estimate_join(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    if isinstance(value, (list, tuple)):
        cap = env.limits.max_value
        separator = str(_arg(args, kwargs, 0, "d", ""))
        total = sum(_text_size(item, cap) for item in value) + len(separator) * len(value)
        env._check(total, "the join filter's result")


def _estimate_wordwrap(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    wrapstring = _arg(args, kwargs, 2, "wrapstring", None)
    if wrapstring is not None:
        text = str(value)
        env._check(len(text) * (1 + len(str(wrapstring))), "the wordwrap filter's result")


def _estimate_batch(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    count = args[0] if args else kwargs.get("linecount", kwargs.get("slices", 1))
    env._check_int(count, "a batch or slice count")
    fill = _arg(args, kwargs, 1, "fill_with", None)
    if fill is not None and isinstance(count, int):
        env._check(count * deep_size(fill, env.limits.max_value), "a batch or slice filling")


def _estimate_sum(env: GuardedEnvironment, value: Any, args: _Args, kwargs: _Kwargs) -> None:
    start = _arg(args, kwargs, 1, "start", 0)
    if isinstance(start, (*_FLAT, list, tuple)) and isinstance(value, (list, tuple)):
        total = len(start) + sum(_shallow_size(item) for item in value)
        env._check(total, "the sum filter's result")


_Estimate = Callable[[GuardedEnvironment, Any, _Args, _Kwargs], None]
_FILTER_ESTIMATES: dict[str, _Estimate] = {
    "center": _estimate_center,
    "indent": _estimate_indent,
    "format": _estimate_format,
    "replace": _estimate_replace,
    "join": _estimate_join,
    "wordwrap": _estimate_wordwrap,
    "batch": _estimate_batch,
    "slice": _estimate_batch,
    "sum": _estimate_sum,
}
# Filters that rearrange a list or dict without turning it into text.
_STRUCTURAL_FILTERS = frozenset(
    {
        "attr", "batch", "count", "d", "default", "dictsort", "first", "groupby", "items", "join",
        "last", "length", "list", "map", "max", "min", "random", "reject", "rejectattr", "reverse",
        "select", "selectattr", "slice", "sort", "sum", "unique",
    }
)  # fmt: skip
