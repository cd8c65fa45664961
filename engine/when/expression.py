"""Parse `when` expressions into a small typed-free AST (lark, LALR: linear, never runs code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeAlias, assert_never, cast

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

MAX_LENGTH = 2000
MAX_DEPTH = 40
# As answers are bounded (engine.evaluation.submission): beyond it, durable_rules and orjson
# misread numbers, so a condition could never mean what it says.
NUMBER_LIMIT = 10**15

Scalar: TypeAlias = bool | int | float | str


@dataclass(frozen=True, slots=True)
class Pos:
    """1-based line and column inside the expression text."""

    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Field:
    path: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar
    pos: Pos


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # + - * /
    left: Node
    right: Node
    pos: Pos


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node
    pos: Pos


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # == != < <= > >=
    left: Node
    right: Node
    pos: Pos


@dataclass(frozen=True, slots=True)
class In:
    operand: Node
    items: tuple[Literal, ...]
    negated: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class Contains:
    collection: Node
    item: Node
    pos: Pos


@dataclass(frozen=True, slots=True)
class Matches:
    operand: Node
    pattern: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Exists:
    operand: Node
    negated: bool  # True for `missing`
    pos: Pos


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    pos: Pos


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # and | or
    items: tuple[Node, ...]
    pos: Pos


Node: TypeAlias = (
    Field | Literal | Arith | Neg | Compare | In | Contains | Matches | Exists | Not | BoolOp
)


class ExpressionError(Exception):
    """A problem in an expression, at a position inside its text."""

    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


_READABLE = {
    "COMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "NAME": "a field name",
    "NUMBER": "a number",
    "DQ_STRING": "a quoted text",
    "SQ_STRING": "a quoted text",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "COMMA": ",",
    "MINUS": "-",
    "DOT": ".",
    "_AND": "and",
    "_OR": "or",
    "_NOT": "not",
    "_IN": "in",
    "_CONTAINS": "contains",
    "_MATCHES": "matches",
    "_EXISTS": "exists",
    "_MISSING": "missing",
    "_TRUE": "true",
    "_FALSE": "false",
    "$END": "the end of the expression",
}


def _pos(meta_or_token: object) -> Pos:
    line = getattr(meta_or_token, "line", 1) or 1
    col = getattr(meta_or_token, "column", 1) or 1
    return Pos(line, col)


def _unquote(text: str) -> str:
    body = text[1:-1]
    out: list[str] = []
    chars = iter(body)
    for ch in chars:
        out.append(next(chars, "") if ch == "\\" else ch)
    return "".join(out)


@v_args(meta=True)
class _ToAst(Transformer[Token, Node]):
    def or_(self, meta: object, items: list[Node]) -> Node:
        return BoolOp("or", tuple(items), _pos(meta))

    def and_(self, meta: object, items: list[Node]) -> Node:
        return BoolOp("and", tuple(items), _pos(meta))

    def not_(self, meta: object, items: list[Node]) -> Node:
        return Not(items[0], _pos(meta))

    def compare(self, meta: object, items: list[object]) -> Node:
        left, op, right = items
        return Compare(str(op), cast(Node, left), cast(Node, right), _pos(meta))

    def in_(self, meta: object, items: list[object]) -> Node:
        return In(items[0], tuple(items[1]), False, _pos(meta))  # type: ignore[arg-type]

    def not_in(self, meta: object, items: list[object]) -> Node:
        return In(items[0], tuple(items[1]), True, _pos(meta))  # type: ignore[arg-type]

    def contains(self, meta: object, items: list[Node]) -> Node:
        return Contains(items[0], items[1], _pos(meta))

    def matches(self, meta: object, items: list[Node]) -> Node:
        pattern = items[1]
        assert isinstance(pattern, Literal)
        return Matches(items[0], str(pattern.value), _pos(meta))

    def exists(self, meta: object, items: list[Node]) -> Node:
        return Exists(items[0], False, _pos(meta))

    def missing(self, meta: object, items: list[Node]) -> Node:
        return Exists(items[0], True, _pos(meta))

    def arith(self, meta: object, items: list[object]) -> Node:
        left, op, right = items
        return Arith(str(op), left, right, _pos(meta))  # type: ignore[arg-type]

    def neg(self, meta: object, items: list[Node]) -> Node:
        return Neg(items[0], _pos(meta))

    def number(self, meta: object, items: list[Token]) -> Node:
        text = str(items[0])
        if len(text.replace(".", "").lstrip("0")) > 16:  # before converting: int() of
            raise ExpressionError(  # thousands of digits is slow, then refused anyway
                "numbers in conditions have at most 15 digits", _pos(items[0])
            )
        value: int | float = float(text) if "." in text else int(text)
        if abs(value) > NUMBER_LIMIT:
            raise ExpressionError("numbers in conditions have at most 15 digits", _pos(items[0]))
        return Literal(value, _pos(items[0]))

    def string(self, meta: object, items: list[Token]) -> Node:
        return Literal(_unquote(str(items[0])), _pos(items[0]))

    def true(self, meta: object, items: list[Token]) -> Node:
        return Literal(True, _pos(meta))

    def false(self, meta: object, items: list[Token]) -> Node:
        return Literal(False, _pos(meta))

    def field(self, meta: object, items: list[Token]) -> Node:
        return Field(".".join(str(t) for t in items), _pos(items[0]))

    def list(self, meta: object, items: list[Node | None]) -> list[Node]:
        return [item for item in items if item is not None]


@cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("expression.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _depth(tree: Tree[Token] | Token) -> int:
    # Iterative, so a hostile expression cannot exhaust the Python stack while we measure it.
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Tree):
            stack.extend((child, depth + 1) for child in node.children if child is not None)
    return deepest


def _describe_expected(expected: set[str]) -> str:
    names = sorted({_READABLE.get(name, name.lower()) for name in expected})
    if len(names) > 6:
        return "a field, a value or an operator"
    return ", ".join(names)


def parse(text: str) -> Node:
    """Parse one expression; raise ExpressionError with a position on any problem."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters", Pos(1, 1))
    if not text.strip():
        raise ExpressionError("expression is empty", Pos(1, 1))
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        at = exc.pos_in_stream or 0
        char = text[at] if at < len(text) else ""
        raise ExpressionError(f"unexpected character {char!r}", Pos(exc.line, exc.column)) from None
    except UnexpectedEOF as exc:
        raise ExpressionError(
            f"the expression ends too early; expected {_describe_expected(set(exc.expected))}",
            _end_pos(text),
        ) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        expected = set(getattr(exc, "expected", set()) or getattr(exc, "accepts", set()))
        if token is None or token.type == "$END":
            where, what = _end_pos(text), "the expression ends too early"
        else:
            where, what = Pos(exc.line, exc.column), f"unexpected {str(token)!r}"
        raise ExpressionError(f"{what}; expected {_describe_expected(expected)}", where) from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError("expression is nested too deeply", Pos(1, 1))
    try:
        node: Node = _ToAst().transform(tree)
    except VisitError as exc:  # a number out of range (_ToAst.number)
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise ExpressionError(str(exc.orig_exc), Pos(1, 1)) from None
    return node


def _end_pos(text: str) -> Pos:
    lines = text.rstrip().split("\n")
    return Pos(len(lines), len(lines[-1]) + 1)


def fields_of(node: Node) -> list[Field]:
    """Every field the expression reads, in reading order."""
    found: list[Field] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        match current:
            case Field():
                found.append(current)
            case Literal():
                pass
            case Arith() | Compare():
                stack.extend([current.right, current.left])
            case Neg() | Not() | Matches() | Exists() | In():
                stack.append(current.operand)
            case Contains():
                stack.extend([current.item, current.collection])
            case BoolOp():
                stack.extend(reversed(current.items))
            case _:
                assert_never(current)
    return found


def render(node: Node) -> str:
    """Canonical text of an expression, used in evidence ('expected') and digests."""
    match node:
        case Field():
            return node.path
        case Literal():
            if isinstance(node.value, bool):
                return "true" if node.value else "false"
            if isinstance(node.value, str):
                return '"' + node.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            return repr(node.value)
        case Arith():
            return f"({render(node.left)} {node.op} {render(node.right)})"
        case Neg():
            return f"-{render(node.operand)}"
        case Compare():
            return f"{render(node.left)} {node.op} {render(node.right)}"
        case In():
            items = ", ".join(render(i) for i in node.items)
            return f"{render(node.operand)} {'not in' if node.negated else 'in'} [{items}]"
        case Contains():
            return f"{render(node.collection)} contains {render(node.item)}"
        case Matches():
            return f"{render(node.operand)} matches {render(Literal(node.pattern, node.pos))}"
        case Exists():
            return f"{render(node.operand)} {'missing' if node.negated else 'exists'}"
        case Not():
            return f"not ({render(node.operand)})"
        case BoolOp():
            return "(" + f" {node.op} ".join(render(i) for i in node.items) + ")"
        case _:
            assert_never(node)
