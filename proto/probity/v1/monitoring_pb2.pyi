from google.protobuf import struct_pb2 as _struct_pb2
from probity.v1 import result_pb2 as _result_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Contract(_message.Message):
    __slots__ = ("contract_id", "supplier", "start", "end", "value", "targets")
    class TargetsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    supplier: str
    start: str
    end: str
    value: float
    targets: _containers.ScalarMap[str, float]
    def __init__(self, contract_id: _Optional[str] = ..., supplier: _Optional[str] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., value: _Optional[float] = ..., targets: _Optional[_Mapping[str, float]] = ...) -> None: ...

class MonitoringReturn(_message.Message):
    __slots__ = ("contract_id", "period", "due", "received", "measures")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    MEASURES_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    period: str
    due: str
    received: str
    measures: _struct_pb2.Struct
    def __init__(self, contract_id: _Optional[str] = ..., period: _Optional[str] = ..., due: _Optional[str] = ..., received: _Optional[str] = ..., measures: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class PeriodEvidence(_message.Message):
    __slots__ = ("period", "field", "value", "given", "expected")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    GIVEN_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    period: str
    field: str
    value: _struct_pb2.Value
    given: bool
    expected: str
    def __init__(self, period: _Optional[str] = ..., field: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., given: _Optional[bool] = ..., expected: _Optional[str] = ...) -> None: ...

class Occurrence(_message.Message):
    __slots__ = ("periods", "evidence", "target")
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    periods: _containers.RepeatedScalarFieldContainer[str]
    evidence: _containers.RepeatedCompositeFieldContainer[PeriodEvidence]
    target: float
    def __init__(self, periods: _Optional[_Iterable[str]] = ..., evidence: _Optional[_Iterable[_Union[PeriodEvidence, _Mapping]]] = ..., target: _Optional[float] = ...) -> None: ...

class CheckFinding(_message.Message):
    __slots__ = ("criterion", "principle", "title", "pattern", "breach", "outcome", "severity", "explanation", "occurrences", "action", "source")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    BREACH_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    OCCURRENCES_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    principle: str
    title: str
    pattern: str
    breach: str
    outcome: str
    severity: str
    explanation: str
    occurrences: _containers.RepeatedCompositeFieldContainer[Occurrence]
    action: str
    source: _result_pb2.SourceReference
    def __init__(self, criterion: _Optional[str] = ..., principle: _Optional[str] = ..., title: _Optional[str] = ..., pattern: _Optional[str] = ..., breach: _Optional[str] = ..., outcome: _Optional[str] = ..., severity: _Optional[str] = ..., explanation: _Optional[str] = ..., occurrences: _Optional[_Iterable[_Union[Occurrence, _Mapping]]] = ..., action: _Optional[str] = ..., source: _Optional[_Union[_result_pb2.SourceReference, _Mapping]] = ...) -> None: ...

class PeriodRating(_message.Message):
    __slots__ = ("period", "rating", "label", "rule", "breaches", "returned", "unassessed")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    BREACHES_FIELD_NUMBER: _ClassVar[int]
    RETURNED_FIELD_NUMBER: _ClassVar[int]
    UNASSESSED_FIELD_NUMBER: _ClassVar[int]
    period: str
    rating: str
    label: str
    rule: str
    breaches: _containers.RepeatedScalarFieldContainer[str]
    returned: bool
    unassessed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, period: _Optional[str] = ..., rating: _Optional[str] = ..., label: _Optional[str] = ..., rule: _Optional[str] = ..., breaches: _Optional[_Iterable[str]] = ..., returned: _Optional[bool] = ..., unassessed: _Optional[_Iterable[str]] = ...) -> None: ...

class PrincipleBreaches(_message.Message):
    __slots__ = ("principle", "name", "checks", "breached")
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    BREACHED_FIELD_NUMBER: _ClassVar[int]
    principle: str
    name: str
    checks: int
    breached: int
    def __init__(self, principle: _Optional[str] = ..., name: _Optional[str] = ..., checks: _Optional[int] = ..., breached: _Optional[int] = ...) -> None: ...

class ContractResult(_message.Message):
    __slots__ = ("contract_id", "supplier", "ruleset", "engine_version", "period", "rating", "rating_label", "rating_rule", "periods", "principles", "findings", "notices")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    RATING_LABEL_FIELD_NUMBER: _ClassVar[int]
    RATING_RULE_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLES_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    supplier: str
    ruleset: _result_pb2.RulesetRef
    engine_version: str
    period: str
    rating: str
    rating_label: str
    rating_rule: str
    periods: _containers.RepeatedCompositeFieldContainer[PeriodRating]
    principles: _containers.RepeatedCompositeFieldContainer[PrincipleBreaches]
    findings: _containers.RepeatedCompositeFieldContainer[CheckFinding]
    notices: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, contract_id: _Optional[str] = ..., supplier: _Optional[str] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., engine_version: _Optional[str] = ..., period: _Optional[str] = ..., rating: _Optional[str] = ..., rating_label: _Optional[str] = ..., rating_rule: _Optional[str] = ..., periods: _Optional[_Iterable[_Union[PeriodRating, _Mapping]]] = ..., principles: _Optional[_Iterable[_Union[PrincipleBreaches, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[CheckFinding, _Mapping]]] = ..., notices: _Optional[_Iterable[str]] = ...) -> None: ...
