from google.protobuf import struct_pb2 as _struct_pb2
from probity.v1 import result_pb2 as _result_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Contract(_message.Message):
    __slots__ = ("contract_id", "supplier", "start", "end", "value", "targets", "title", "procurement_id", "contracting_authority", "supplier_details", "promises", "first_return_due")
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
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROCUREMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTING_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_DETAILS_FIELD_NUMBER: _ClassVar[int]
    PROMISES_FIELD_NUMBER: _ClassVar[int]
    FIRST_RETURN_DUE_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    supplier: str
    start: str
    end: str
    value: float
    targets: _containers.ScalarMap[str, float]
    title: str
    procurement_id: str
    contracting_authority: Party
    supplier_details: Party
    promises: _containers.RepeatedCompositeFieldContainer[Promise]
    first_return_due: str
    def __init__(self, contract_id: _Optional[str] = ..., supplier: _Optional[str] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., value: _Optional[float] = ..., targets: _Optional[_Mapping[str, float]] = ..., title: _Optional[str] = ..., procurement_id: _Optional[str] = ..., contracting_authority: _Optional[_Union[Party, _Mapping]] = ..., supplier_details: _Optional[_Union[Party, _Mapping]] = ..., promises: _Optional[_Iterable[_Union[Promise, _Mapping]]] = ..., first_return_due: _Optional[str] = ...) -> None: ...

class Party(_message.Message):
    __slots__ = ("name", "postal_address", "email", "identifier")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSTAL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    name: str
    postal_address: str
    email: str
    identifier: str
    def __init__(self, name: _Optional[str] = ..., postal_address: _Optional[str] = ..., email: _Optional[str] = ..., identifier: _Optional[str] = ...) -> None: ...

class Promise(_message.Message):
    __slots__ = ("kpi", "value", "tender_id", "submission_id", "evaluated_in")
    KPI_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_IN_FIELD_NUMBER: _ClassVar[int]
    kpi: str
    value: float
    tender_id: str
    submission_id: str
    evaluated_in: str
    def __init__(self, kpi: _Optional[str] = ..., value: _Optional[float] = ..., tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., evaluated_in: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("contract_id", "supplier", "ruleset", "engine_version", "period", "rating", "rating_label", "rating_rule", "periods", "principles", "findings", "notices", "kpis", "assessed_from", "assessed_to", "title", "procurement_id", "contracting_authority", "supplier_details")
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
    KPIS_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_FROM_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_TO_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROCUREMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTING_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_DETAILS_FIELD_NUMBER: _ClassVar[int]
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
    kpis: _containers.RepeatedCompositeFieldContainer[KpiRating]
    assessed_from: str
    assessed_to: str
    title: str
    procurement_id: str
    contracting_authority: Party
    supplier_details: Party
    def __init__(self, contract_id: _Optional[str] = ..., supplier: _Optional[str] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., engine_version: _Optional[str] = ..., period: _Optional[str] = ..., rating: _Optional[str] = ..., rating_label: _Optional[str] = ..., rating_rule: _Optional[str] = ..., periods: _Optional[_Iterable[_Union[PeriodRating, _Mapping]]] = ..., principles: _Optional[_Iterable[_Union[PrincipleBreaches, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[CheckFinding, _Mapping]]] = ..., notices: _Optional[_Iterable[str]] = ..., kpis: _Optional[_Iterable[_Union[KpiRating, _Mapping]]] = ..., assessed_from: _Optional[str] = ..., assessed_to: _Optional[str] = ..., title: _Optional[str] = ..., procurement_id: _Optional[str] = ..., contracting_authority: _Optional[_Union[Party, _Mapping]] = ..., supplier_details: _Optional[_Union[Party, _Mapping]] = ...) -> None: ...

class KpiRating(_message.Message):
    __slots__ = ("kpi", "title", "description", "measure", "measure_label", "unit", "lower_is_better", "target", "target_from", "promise", "periods", "overall", "overall_label", "overall_reason", "source")
    KPI_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MEASURE_FIELD_NUMBER: _ClassVar[int]
    MEASURE_LABEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    LOWER_IS_BETTER_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TARGET_FROM_FIELD_NUMBER: _ClassVar[int]
    PROMISE_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    OVERALL_LABEL_FIELD_NUMBER: _ClassVar[int]
    OVERALL_REASON_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    kpi: str
    title: str
    description: str
    measure: str
    measure_label: str
    unit: str
    lower_is_better: bool
    target: float
    target_from: str
    promise: KpiPromise
    periods: _containers.RepeatedCompositeFieldContainer[KpiPeriod]
    overall: str
    overall_label: str
    overall_reason: str
    source: _result_pb2.SourceReference
    def __init__(self, kpi: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., measure: _Optional[str] = ..., measure_label: _Optional[str] = ..., unit: _Optional[str] = ..., lower_is_better: _Optional[bool] = ..., target: _Optional[float] = ..., target_from: _Optional[str] = ..., promise: _Optional[_Union[KpiPromise, _Mapping]] = ..., periods: _Optional[_Iterable[_Union[KpiPeriod, _Mapping]]] = ..., overall: _Optional[str] = ..., overall_label: _Optional[str] = ..., overall_reason: _Optional[str] = ..., source: _Optional[_Union[_result_pb2.SourceReference, _Mapping]] = ...) -> None: ...

class KpiPeriod(_message.Message):
    __slots__ = ("period", "rating", "label", "value", "reason", "persistent")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSISTENT_FIELD_NUMBER: _ClassVar[int]
    period: str
    rating: str
    label: str
    value: float
    reason: str
    persistent: bool
    def __init__(self, period: _Optional[str] = ..., rating: _Optional[str] = ..., label: _Optional[str] = ..., value: _Optional[float] = ..., reason: _Optional[str] = ..., persistent: _Optional[bool] = ...) -> None: ...

class KpiPromise(_message.Message):
    __slots__ = ("value", "tender_id", "submission_id", "evaluated_in")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_IN_FIELD_NUMBER: _ClassVar[int]
    value: float
    tender_id: str
    submission_id: str
    evaluated_in: str
    def __init__(self, value: _Optional[float] = ..., tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., evaluated_in: _Optional[str] = ...) -> None: ...
