"""A contract and its monitoring returns, as sent: validated, ordered, de-duplicated.

Returns may arrive in any order and late. Two returns for one period are reported (a notice
on the result) and only one counts: the one received last (of equal dates, the later in the
request), on the view that a resubmission corrects the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from probity.engine import characters, periods
from probity.engine.compiler.compiled import LARGE_CONTRACT, MIN_KPIS
from probity.engine.errors import FieldViolation, SubmissionError
from probity.engine.evaluation.submission import NUMBER_LIMIT, SubmissionValidator
from probity.engine.monitoring.contract_result import Party
from probity.engine.periods import Period

# Ten years of monthly returns; a pattern's joins grow with the length of the series.
MAX_RETURNS = 120

Day = Annotated[date, PlainValidator(periods.parse_date)]


def _plain(text: str) -> str:
    reason = characters.problem(text)
    if reason:
        raise ValueError(reason)
    return text


# An identifier or a name: one line, no control characters or direction marks.
Name = Annotated[str, Field(max_length=200), AfterValidator(_plain)]
Number = Annotated[float, Field(ge=-NUMBER_LIMIT, le=NUMBER_LIMIT, allow_inf_nan=False)]


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Address = Annotated[str, Field(max_length=500), AfterValidator(_plain)]


class PartyIn(_Edge):
    """A contracting authority or a supplier, as a contract performance notice names it."""

    name: Name = ""
    postal_address: Address = ""
    email: Name = ""
    identifier: Name = ""


class PromiseIn(_Edge):
    """A commitment the winning bid made at tender that sets a KPI's target."""

    kpi: Name
    value: Number
    tender_id: Name = ""
    submission_id: Name = ""
    evaluated_in: Name = ""  # the call that ranked the tender (its probity-request-id)


class ContractIn(_Edge):
    contract_id: Name = ""  # required: checked with the rest
    supplier: Name = ""
    start: Day | None = None
    end: Day | None = None
    value: Annotated[float, Field(ge=0, le=NUMBER_LIMIT, allow_inf_nan=False)] | None = None
    targets: dict[str, Number] = Field(default_factory=dict)
    # The first period a return is due for (e.g. "2026-Q1"); without it, the first received.
    first_return_due: str | None = None
    # What a contract performance notice names (Procurement Regulations 2024, reg 39(4)).
    title: Name = ""  # the procurement's title
    procurement_id: Name = ""  # the procurement's identifier (its OCID)
    contracting_authority: PartyIn | None = None
    supplier_details: PartyIn | None = None
    promises: list[PromiseIn] = Field(default_factory=list, max_length=100)


class ReturnIn(_Edge):
    contract_id: Name = ""
    period: str
    due: Day
    received: Day
    measures: dict[str, Any] = Field(default_factory=dict)


class SeriesIn(_Edge):
    contract: dict[str, Any]
    returns: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_RETURNS)]


@dataclass(frozen=True, slots=True)
class Promise:
    """The winning bid's commitment: the KPI it sets the target of, and where it was made."""

    kpi: str
    value: float
    tender_id: str
    submission_id: str
    evaluated_in: str


@dataclass(frozen=True, slots=True)
class Contract:
    id: str
    supplier: str
    start: date | None
    end: date | None
    value: float | None
    targets: Mapping[str, float]  # measure path → the contract's own target
    first_due: Period | None = None  # the first period a return is due for, when said
    title: str = ""
    procurement_id: str = ""
    authority: Party | None = None
    supplier_details: Party | None = None
    promises: Mapping[str, Promise] = field(default_factory=dict)  # by KPI id


@dataclass(frozen=True, slots=True)
class Return:
    period: Period
    due: date
    received: date
    values: Mapping[str, Any]  # dotted measure path → value, for the measures given
    position: int  # where it was in the request

    @property
    def days_late(self) -> int:
        return max(0, (self.received - self.due).days)


@dataclass(frozen=True, slots=True)
class Series:
    contract: Contract
    returns: tuple[Return, ...]  # one per period, in period order
    notices: tuple[str, ...]  # duplicates ignored, and other things worth saying


class SeriesReader:
    """Validates {"contract": {...}, "returns": [...]} against a monitoring rule set."""

    def __init__(
        self,
        period_kind: str,
        validator: SubmissionValidator,
        numeric: Sequence[str],
        kpis: Sequence[str] = (),
    ) -> None:
        self.period_kind = period_kind
        self.validator = validator
        self.numeric = tuple(numeric)  # the measures a contract may set a target for
        self.kpis = tuple(kpis)  # the rule set's KPI ids: what a promise may set

    def read(self, raw: Any) -> Series:
        """The series, or SubmissionError naming every bad field."""
        try:
            given = SeriesIn.model_validate(raw)
        except ValidationError as exc:
            raise SubmissionError([_violation(e, "") for e in exc.errors()]) from None
        problems: list[FieldViolation] = []
        contract = self._contract(given.contract, problems)
        returns = [
            self._return(n, item, contract, problems) for n, item in enumerate(given.returns)
        ]
        if problems or contract is None:
            raise SubmissionError(problems)
        kept, notices = _one_per_period([r for r in returns if r is not None])
        said = _notices(contract, kept, len(self.kpis))
        return Series(contract, tuple(kept), tuple(notices + said))

    def _contract(self, raw: dict[str, Any], problems: list[FieldViolation]) -> Contract | None:
        try:
            given = ContractIn.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_violation(e, "contract") for e in exc.errors())
            return None
        if not given.contract_id:
            problems.append(FieldViolation("contract.contract_id", "required field is missing"))
        if given.start and given.end and given.end < given.start:
            problems.append(FieldViolation("contract.end", "is before the contract's start"))
        for path in given.targets:
            if path not in self.numeric:
                known = ", ".join(self.numeric) or "none"
                problems.append(
                    FieldViolation(
                        f"contract.targets.{path}", f"not a number measure (measures: {known})"
                    )
                )
        targets = dict(sorted(given.targets.items()))
        first_due = None
        if given.first_return_due is not None:
            try:
                first_due = periods.parse_period(given.first_return_due, self.period_kind)
            except ValueError as exc:
                problems.append(FieldViolation("contract.first_return_due", str(exc)))
        return Contract(
            given.contract_id,
            given.supplier,
            given.start,
            given.end,
            given.value,
            targets,
            first_due,
            given.title,
            given.procurement_id,
            _party(given.contracting_authority),
            _party(given.supplier_details),
            self._promises(given.promises, problems),
        )

    def _promises(
        self, given: list[PromiseIn], problems: list[FieldViolation]
    ) -> dict[str, Promise]:
        found: dict[str, Promise] = {}
        for n, p in enumerate(given):
            where = f"contract.promises[{n}].kpi"
            if p.kpi not in self.kpis:
                known = ", ".join(self.kpis) or "none"
                problems.append(FieldViolation(where, f"not a KPI of the rule set ({known})"))
            elif p.kpi in found:
                problems.append(FieldViolation(where, f"{p.kpi} is promised twice"))
            else:
                found[p.kpi] = Promise(p.kpi, p.value, p.tender_id, p.submission_id, p.evaluated_in)
        return found

    def _return(
        self,
        n: int,
        raw: dict[str, Any],
        contract: Contract | None,
        problems: list[FieldViolation],
    ) -> Return | None:
        where = f"returns[{n}]"
        try:
            given = ReturnIn.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_violation(e, where) for e in exc.errors())
            return None
        before = len(problems)
        if contract is not None and contract.id and given.contract_id not in ("", contract.id):
            problems.append(
                FieldViolation(f"{where}.contract_id", f"is not this contract ({contract.id})")
            )
        try:
            period = periods.parse_period(given.period, self.period_kind)
        except ValueError as exc:
            problems.append(FieldViolation(f"{where}.period", str(exc)))
        try:
            values = self.validator.validate(given.measures)
        except SubmissionError as error:
            problems.extend(
                FieldViolation(f"{where}.measures.{v.field}", v.reason) for v in error.violations
            )
        if len(problems) > before:
            return None
        return Return(period, given.due, given.received, values, n)


def _violation(error: Any, where: str) -> FieldViolation:
    loc = [str(part) for part in error["loc"] if not str(part).startswith("function-")]
    path = where
    for part in loc:
        path = f"{path}[{part}]" if part.isdigit() else (f"{path}.{part}" if path else part)
    path = path or "series"  # not a contract and its returns at all
    if error["type"] == "missing" or (
        error["type"] == "string_too_short" and error.get("ctx", {}).get("min_length") == 1
    ):
        return FieldViolation(path, "required field is missing")
    if error["type"] == "extra_forbidden":
        return FieldViolation(path, "unknown field")
    return FieldViolation(path, str(error["msg"]).removeprefix("Value error, "))


def _one_per_period(returns: list[Return]) -> tuple[list[Return], list[str]]:
    chosen: dict[int, Return] = {}
    notices: list[str] = []
    for item in returns:
        held = chosen.get(item.period.ordinal)
        if held is None:
            chosen[item.period.ordinal] = item
            continue
        keep, drop = (item, held) if item.received >= held.received else (held, item)
        chosen[item.period.ordinal] = keep
        identical = keep.values == drop.values and (keep.due, keep.received) == (
            drop.due,
            drop.received,
        )
        notices.append(
            f"{item.period.label}: duplicate return ignored (returns[{drop.position}]); "
            + (
                "it was identical"
                if identical
                else f"returns[{keep.position}], received {keep.received.isoformat()}, is used"
            )
        )
    return [chosen[k] for k in sorted(chosen)], notices


def _party(given: PartyIn | None) -> Party | None:
    if given is None:
        return None
    return Party(given.name, given.postal_address, given.email, given.identifier)


def _notices(contract: Contract, returns: list[Return], kpis: int) -> list[str]:
    """Things worth saying about the input. KPIs: the rule set's (else, for rule sets
    without, the contract's targets, as before KPIs were written down)."""
    notices = []
    count = kpis or len(contract.targets)
    if contract.value is not None and contract.value > LARGE_CONTRACT and count < MIN_KPIS:
        notices.append(
            f"the contract is worth more than £{LARGE_CONTRACT:,} but sets "
            f"{count} key performance indicator(s); the Procurement Act 2023 "
            f"s.52 asks for at least {MIN_KPIS}"
        )
    for item in returns:
        before = contract.start is not None and item.period.end < contract.start
        after = contract.end is not None and item.period.start > contract.end
        if before or after:
            notices.append(f"{item.period.label}: the period is outside the contract's term")
    return notices
