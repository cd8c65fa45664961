from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResultView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_VIEW_UNSPECIFIED: _ClassVar[ResultView]
    RESULT_VIEW_BASIC: _ClassVar[ResultView]
    RESULT_VIEW_FULL: _ClassVar[ResultView]
RESULT_VIEW_UNSPECIFIED: ResultView
RESULT_VIEW_BASIC: ResultView
RESULT_VIEW_FULL: ResultView

class RulesetRef(_message.Message):
    __slots__ = ("id", "version", "digest")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    digest: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("field", "value", "given", "expected", "label", "shown", "met")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    GIVEN_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SHOWN_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: _struct_pb2.Value
    given: bool
    expected: str
    label: str
    shown: str
    met: bool
    def __init__(self, field: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., given: _Optional[bool] = ..., expected: _Optional[str] = ..., label: _Optional[str] = ..., shown: _Optional[str] = ..., met: _Optional[bool] = ...) -> None: ...

class SourceReference(_message.Message):
    __slots__ = ("document", "choice", "quote", "section", "citation", "url")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CHOICE_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    CITATION_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    document: str
    choice: str
    quote: str
    section: str
    citation: str
    url: str
    def __init__(self, document: _Optional[str] = ..., choice: _Optional[str] = ..., quote: _Optional[str] = ..., section: _Optional[str] = ..., citation: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class Finding(_message.Message):
    __slots__ = ("criterion", "principle", "title", "outcome", "points", "max_points", "level", "severity", "gate", "explanation", "evidence", "remedy", "source", "descriptor", "scored_by")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    GATE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    REMEDY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    SCORED_BY_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    principle: str
    title: str
    outcome: str
    points: int
    max_points: int
    level: str
    severity: str
    gate: bool
    explanation: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    remedy: str
    source: SourceReference
    descriptor: str
    scored_by: str
    def __init__(self, criterion: _Optional[str] = ..., principle: _Optional[str] = ..., title: _Optional[str] = ..., outcome: _Optional[str] = ..., points: _Optional[int] = ..., max_points: _Optional[int] = ..., level: _Optional[str] = ..., severity: _Optional[str] = ..., gate: _Optional[bool] = ..., explanation: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., remedy: _Optional[str] = ..., source: _Optional[_Union[SourceReference, _Mapping]] = ..., descriptor: _Optional[str] = ..., scored_by: _Optional[str] = ...) -> None: ...

class PrincipleScore(_message.Message):
    __slots__ = ("principle", "name", "weight", "points", "max_points", "score")
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    principle: str
    name: str
    weight: float
    points: int
    max_points: int
    score: float
    def __init__(self, principle: _Optional[str] = ..., name: _Optional[str] = ..., weight: _Optional[float] = ..., points: _Optional[int] = ..., max_points: _Optional[int] = ..., score: _Optional[float] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("kind", "subject", "explanation")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    kind: str
    subject: str
    explanation: str
    def __init__(self, kind: _Optional[str] = ..., subject: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class Result(_message.Message):
    __slots__ = ("submission_id", "ruleset", "engine_version", "band", "band_label", "excluded", "exclusion_reasons", "total", "maximum", "principles", "findings", "rejected", "rejections", "awaiting_panel")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    BAND_LABEL_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    EXCLUSION_REASONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLES_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    AWAITING_PANEL_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    ruleset: RulesetRef
    engine_version: str
    band: str
    band_label: str
    excluded: bool
    exclusion_reasons: _containers.RepeatedScalarFieldContainer[str]
    total: float
    maximum: float
    principles: _containers.RepeatedCompositeFieldContainer[PrincipleScore]
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    rejected: bool
    rejections: _containers.RepeatedCompositeFieldContainer[Rejection]
    awaiting_panel: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, submission_id: _Optional[str] = ..., ruleset: _Optional[_Union[RulesetRef, _Mapping]] = ..., engine_version: _Optional[str] = ..., band: _Optional[str] = ..., band_label: _Optional[str] = ..., excluded: _Optional[bool] = ..., exclusion_reasons: _Optional[_Iterable[str]] = ..., total: _Optional[float] = ..., maximum: _Optional[float] = ..., principles: _Optional[_Iterable[_Union[PrincipleScore, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., rejected: _Optional[bool] = ..., rejections: _Optional[_Iterable[_Union[Rejection, _Mapping]]] = ..., awaiting_panel: _Optional[_Iterable[str]] = ...) -> None: ...

class ResultCatalog(_message.Message):
    __slots__ = ("ruleset", "bands", "principles", "criteria", "checks")
    RULESET_FIELD_NUMBER: _ClassVar[int]
    BANDS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLES_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    ruleset: RulesetRef
    bands: _containers.RepeatedCompositeFieldContainer[BandText]
    principles: _containers.RepeatedCompositeFieldContainer[PrincipleText]
    criteria: _containers.RepeatedCompositeFieldContainer[CriterionText]
    checks: _containers.RepeatedCompositeFieldContainer[CheckText]
    def __init__(self, ruleset: _Optional[_Union[RulesetRef, _Mapping]] = ..., bands: _Optional[_Iterable[_Union[BandText, _Mapping]]] = ..., principles: _Optional[_Iterable[_Union[PrincipleText, _Mapping]]] = ..., criteria: _Optional[_Iterable[_Union[CriterionText, _Mapping]]] = ..., checks: _Optional[_Iterable[_Union[CheckText, _Mapping]]] = ...) -> None: ...

class BandText(_message.Message):
    __slots__ = ("band", "label")
    BAND_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    band: str
    label: str
    def __init__(self, band: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class PrincipleText(_message.Message):
    __slots__ = ("principle", "name", "weight")
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    principle: str
    name: str
    weight: float
    def __init__(self, principle: _Optional[str] = ..., name: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class CriterionText(_message.Message):
    __slots__ = ("criterion", "principle", "title", "severity", "gate", "max_points", "remedy", "source", "evidence", "descriptors", "explanations", "scored_by", "guidance")
    class DescriptorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: str
        def __init__(self, key: _Optional[int] = ..., value: _Optional[str] = ...) -> None: ...
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    GATE_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    REMEDY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTORS_FIELD_NUMBER: _ClassVar[int]
    EXPLANATIONS_FIELD_NUMBER: _ClassVar[int]
    SCORED_BY_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    principle: str
    title: str
    severity: str
    gate: bool
    max_points: int
    remedy: str
    source: SourceReference
    evidence: _containers.RepeatedCompositeFieldContainer[EvidenceText]
    descriptors: _containers.ScalarMap[int, str]
    explanations: _containers.RepeatedCompositeFieldContainer[FixedExplanation]
    scored_by: str
    guidance: str
    def __init__(self, criterion: _Optional[str] = ..., principle: _Optional[str] = ..., title: _Optional[str] = ..., severity: _Optional[str] = ..., gate: _Optional[bool] = ..., max_points: _Optional[int] = ..., remedy: _Optional[str] = ..., source: _Optional[_Union[SourceReference, _Mapping]] = ..., evidence: _Optional[_Iterable[_Union[EvidenceText, _Mapping]]] = ..., descriptors: _Optional[_Mapping[int, str]] = ..., explanations: _Optional[_Iterable[_Union[FixedExplanation, _Mapping]]] = ..., scored_by: _Optional[str] = ..., guidance: _Optional[str] = ...) -> None: ...

class CheckText(_message.Message):
    __slots__ = ("criterion", "principle", "title", "pattern", "breach", "severity", "action", "source", "evidence")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    BREACH_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    principle: str
    title: str
    pattern: str
    breach: str
    severity: str
    action: str
    source: SourceReference
    evidence: _containers.RepeatedCompositeFieldContainer[EvidenceText]
    def __init__(self, criterion: _Optional[str] = ..., principle: _Optional[str] = ..., title: _Optional[str] = ..., pattern: _Optional[str] = ..., breach: _Optional[str] = ..., severity: _Optional[str] = ..., action: _Optional[str] = ..., source: _Optional[_Union[SourceReference, _Mapping]] = ..., evidence: _Optional[_Iterable[_Union[EvidenceText, _Mapping]]] = ...) -> None: ...

class EvidenceText(_message.Message):
    __slots__ = ("field", "label", "expected")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    field: str
    label: str
    expected: str
    def __init__(self, field: _Optional[str] = ..., label: _Optional[str] = ..., expected: _Optional[str] = ...) -> None: ...

class FixedExplanation(_message.Message):
    __slots__ = ("outcome", "text")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    outcome: str
    text: str
    def __init__(self, outcome: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...
