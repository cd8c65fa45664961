from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListPanelsRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class ListPanelsResponse(_message.Message):
    __slots__ = ("panels",)
    PANELS_FIELD_NUMBER: _ClassVar[int]
    panels: _containers.RepeatedCompositeFieldContainer[PanelListing]
    def __init__(self, panels: _Optional[_Iterable[_Union[PanelListing, _Mapping]]] = ...) -> None: ...

class PanelListing(_message.Message):
    __slots__ = ("tender_id", "lead", "evaluators", "opened_at")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_FIELD_NUMBER: _ClassVar[int]
    EVALUATORS_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    lead: str
    evaluators: _containers.RepeatedScalarFieldContainer[str]
    opened_at: str
    def __init__(self, tender_id: _Optional[str] = ..., lead: _Optional[str] = ..., evaluators: _Optional[_Iterable[str]] = ..., opened_at: _Optional[str] = ...) -> None: ...

class OpenPanelRequest(_message.Message):
    __slots__ = ("tender_id", "evaluators", "divergence")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    EVALUATORS_FIELD_NUMBER: _ClassVar[int]
    DIVERGENCE_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    evaluators: _containers.RepeatedScalarFieldContainer[str]
    divergence: int
    def __init__(self, tender_id: _Optional[str] = ..., evaluators: _Optional[_Iterable[str]] = ..., divergence: _Optional[int] = ...) -> None: ...

class OpenPanelResponse(_message.Message):
    __slots__ = ("panel",)
    PANEL_FIELD_NUMBER: _ClassVar[int]
    panel: Panel
    def __init__(self, panel: _Optional[_Union[Panel, _Mapping]] = ...) -> None: ...

class GetPanelRequest(_message.Message):
    __slots__ = ("tender_id",)
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    def __init__(self, tender_id: _Optional[str] = ...) -> None: ...

class GetPanelResponse(_message.Message):
    __slots__ = ("panel",)
    PANEL_FIELD_NUMBER: _ClassVar[int]
    panel: Panel
    def __init__(self, panel: _Optional[_Union[Panel, _Mapping]] = ...) -> None: ...

class Panel(_message.Message):
    __slots__ = ("tender_id", "ruleset_id", "ruleset_version", "lead", "evaluators", "divergence", "bids", "criteria", "records", "checks", "conflicts")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    LEAD_FIELD_NUMBER: _ClassVar[int]
    EVALUATORS_FIELD_NUMBER: _ClassVar[int]
    DIVERGENCE_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    ruleset_id: str
    ruleset_version: str
    lead: str
    evaluators: _containers.RepeatedScalarFieldContainer[str]
    divergence: int
    bids: _containers.RepeatedCompositeFieldContainer[PanelBid]
    criteria: _containers.RepeatedCompositeFieldContainer[PanelCriterion]
    records: _containers.RepeatedCompositeFieldContainer[PanelRecord]
    checks: _containers.RepeatedCompositeFieldContainer[PanelCheck]
    conflicts: _containers.RepeatedCompositeFieldContainer[ConflictLine]
    def __init__(self, tender_id: _Optional[str] = ..., ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., lead: _Optional[str] = ..., evaluators: _Optional[_Iterable[str]] = ..., divergence: _Optional[int] = ..., bids: _Optional[_Iterable[_Union[PanelBid, _Mapping]]] = ..., criteria: _Optional[_Iterable[_Union[PanelCriterion, _Mapping]]] = ..., records: _Optional[_Iterable[_Union[PanelRecord, _Mapping]]] = ..., checks: _Optional[_Iterable[_Union[PanelCheck, _Mapping]]] = ..., conflicts: _Optional[_Iterable[_Union[ConflictLine, _Mapping]]] = ...) -> None: ...

class PanelCheck(_message.Message):
    __slots__ = ("kind", "submission_id", "criterion", "said")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    SAID_FIELD_NUMBER: _ClassVar[int]
    kind: str
    submission_id: str
    criterion: str
    said: str
    def __init__(self, kind: _Optional[str] = ..., submission_id: _Optional[str] = ..., criterion: _Optional[str] = ..., said: _Optional[str] = ...) -> None: ...

class ConflictLine(_message.Message):
    __slots__ = ("evaluator", "submission_id", "declared_at", "conflict", "details", "mitigation", "mitigated_by", "handled", "arose_at")
    EVALUATOR_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    DECLARED_AT_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    MITIGATION_FIELD_NUMBER: _ClassVar[int]
    MITIGATED_BY_FIELD_NUMBER: _ClassVar[int]
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    AROSE_AT_FIELD_NUMBER: _ClassVar[int]
    evaluator: str
    submission_id: str
    declared_at: str
    conflict: bool
    details: str
    mitigation: str
    mitigated_by: str
    handled: str
    arose_at: str
    def __init__(self, evaluator: _Optional[str] = ..., submission_id: _Optional[str] = ..., declared_at: _Optional[str] = ..., conflict: _Optional[bool] = ..., details: _Optional[str] = ..., mitigation: _Optional[str] = ..., mitigated_by: _Optional[str] = ..., handled: _Optional[str] = ..., arose_at: _Optional[str] = ...) -> None: ...

class PanelBid(_message.Message):
    __slots__ = ("submission_id", "supplier_name", "complete")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    supplier_name: str
    complete: bool
    def __init__(self, submission_id: _Optional[str] = ..., supplier_name: _Optional[str] = ..., complete: _Optional[bool] = ...) -> None: ...

class PanelCriterion(_message.Message):
    __slots__ = ("criterion", "title", "principle", "gate", "max_points", "guidance", "descriptors")
    class DescriptorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: str
        def __init__(self, key: _Optional[int] = ..., value: _Optional[str] = ...) -> None: ...
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPLE_FIELD_NUMBER: _ClassVar[int]
    GATE_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTORS_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    title: str
    principle: str
    gate: bool
    max_points: int
    guidance: str
    descriptors: _containers.ScalarMap[int, str]
    def __init__(self, criterion: _Optional[str] = ..., title: _Optional[str] = ..., principle: _Optional[str] = ..., gate: _Optional[bool] = ..., max_points: _Optional[int] = ..., guidance: _Optional[str] = ..., descriptors: _Optional[_Mapping[int, str]] = ...) -> None: ...

class PanelRecord(_message.Message):
    __slots__ = ("seq", "kind", "by", "role", "recorded_at", "submission_id", "criterion", "evaluator", "points", "conflict", "text", "evaluators")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    EVALUATOR_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EVALUATORS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    kind: str
    by: str
    role: str
    recorded_at: str
    submission_id: str
    criterion: str
    evaluator: str
    points: int
    conflict: bool
    text: str
    evaluators: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, seq: _Optional[int] = ..., kind: _Optional[str] = ..., by: _Optional[str] = ..., role: _Optional[str] = ..., recorded_at: _Optional[str] = ..., submission_id: _Optional[str] = ..., criterion: _Optional[str] = ..., evaluator: _Optional[str] = ..., points: _Optional[int] = ..., conflict: _Optional[bool] = ..., text: _Optional[str] = ..., evaluators: _Optional[_Iterable[str]] = ...) -> None: ...

class DeclareInterestsRequest(_message.Message):
    __slots__ = ("tender_id", "declarations")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    DECLARATIONS_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    declarations: _containers.RepeatedCompositeFieldContainer[Declaration]
    def __init__(self, tender_id: _Optional[str] = ..., declarations: _Optional[_Iterable[_Union[Declaration, _Mapping]]] = ...) -> None: ...

class Declaration(_message.Message):
    __slots__ = ("submission_id", "conflict", "details")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    conflict: bool
    details: str
    def __init__(self, submission_id: _Optional[str] = ..., conflict: _Optional[bool] = ..., details: _Optional[str] = ...) -> None: ...

class DeclareInterestsResponse(_message.Message):
    __slots__ = ("undeclared",)
    UNDECLARED_FIELD_NUMBER: _ClassVar[int]
    undeclared: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, undeclared: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordMitigationRequest(_message.Message):
    __slots__ = ("tender_id", "evaluator", "submission_id", "mitigation")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    EVALUATOR_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    MITIGATION_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    evaluator: str
    submission_id: str
    mitigation: str
    def __init__(self, tender_id: _Optional[str] = ..., evaluator: _Optional[str] = ..., submission_id: _Optional[str] = ..., mitigation: _Optional[str] = ...) -> None: ...

class RecordMitigationResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: PanelRecord
    def __init__(self, record: _Optional[_Union[PanelRecord, _Mapping]] = ...) -> None: ...

class GetBidToScoreRequest(_message.Message):
    __slots__ = ("tender_id", "submission_id")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    submission_id: str
    def __init__(self, tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ...) -> None: ...

class GetBidToScoreResponse(_message.Message):
    __slots__ = ("submission_id", "criteria", "answers", "submitted")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    criteria: _containers.RepeatedCompositeFieldContainer[PanelCriterion]
    answers: _containers.RepeatedCompositeFieldContainer[AnswerToScore]
    submitted: bool
    def __init__(self, submission_id: _Optional[str] = ..., criteria: _Optional[_Iterable[_Union[PanelCriterion, _Mapping]]] = ..., answers: _Optional[_Iterable[_Union[AnswerToScore, _Mapping]]] = ..., submitted: _Optional[bool] = ...) -> None: ...

class AnswerToScore(_message.Message):
    __slots__ = ("criterion", "field", "label", "question", "text")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    field: str
    label: str
    question: str
    text: str
    def __init__(self, criterion: _Optional[str] = ..., field: _Optional[str] = ..., label: _Optional[str] = ..., question: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class SubmitScoresRequest(_message.Message):
    __slots__ = ("tender_id", "submission_id", "scores")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    submission_id: str
    scores: _containers.RepeatedCompositeFieldContainer[PanelScore]
    def __init__(self, tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., scores: _Optional[_Iterable[_Union[PanelScore, _Mapping]]] = ...) -> None: ...

class PanelScore(_message.Message):
    __slots__ = ("criterion", "points", "rationale")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    points: int
    rationale: str
    def __init__(self, criterion: _Optional[str] = ..., points: _Optional[int] = ..., rationale: _Optional[str] = ...) -> None: ...

class SubmitScoresResponse(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[PanelRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[PanelRecord, _Mapping]]] = ...) -> None: ...

class GetScoresRequest(_message.Message):
    __slots__ = ("tender_id", "submission_id")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    submission_id: str
    def __init__(self, tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ...) -> None: ...

class GetScoresResponse(_message.Message):
    __slots__ = ("criteria",)
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    criteria: _containers.RepeatedCompositeFieldContainer[CriterionScores]
    def __init__(self, criteria: _Optional[_Iterable[_Union[CriterionScores, _Mapping]]] = ...) -> None: ...

class CriterionScores(_message.Message):
    __slots__ = ("criterion", "scores", "spread", "divergent", "moderated", "consensus", "rationale")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    SPREAD_FIELD_NUMBER: _ClassVar[int]
    DIVERGENT_FIELD_NUMBER: _ClassVar[int]
    MODERATED_FIELD_NUMBER: _ClassVar[int]
    CONSENSUS_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    scores: _containers.RepeatedCompositeFieldContainer[EvaluatorScore]
    spread: int
    divergent: bool
    moderated: bool
    consensus: int
    rationale: str
    def __init__(self, criterion: _Optional[str] = ..., scores: _Optional[_Iterable[_Union[EvaluatorScore, _Mapping]]] = ..., spread: _Optional[int] = ..., divergent: _Optional[bool] = ..., moderated: _Optional[bool] = ..., consensus: _Optional[int] = ..., rationale: _Optional[str] = ...) -> None: ...

class EvaluatorScore(_message.Message):
    __slots__ = ("evaluator", "points", "rationale", "recorded_at")
    EVALUATOR_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    evaluator: str
    points: int
    rationale: str
    recorded_at: str
    def __init__(self, evaluator: _Optional[str] = ..., points: _Optional[int] = ..., rationale: _Optional[str] = ..., recorded_at: _Optional[str] = ...) -> None: ...

class ModerateRequest(_message.Message):
    __slots__ = ("tender_id", "submission_id", "criterion", "points", "rationale")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    submission_id: str
    criterion: str
    points: int
    rationale: str
    def __init__(self, tender_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., criterion: _Optional[str] = ..., points: _Optional[int] = ..., rationale: _Optional[str] = ...) -> None: ...

class ModerateResponse(_message.Message):
    __slots__ = ("record", "complete")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    record: PanelRecord
    complete: bool
    def __init__(self, record: _Optional[_Union[PanelRecord, _Mapping]] = ..., complete: _Optional[bool] = ...) -> None: ...

class FinishPanelRequest(_message.Message):
    __slots__ = ("tender_id",)
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    def __init__(self, tender_id: _Optional[str] = ...) -> None: ...

class FinishPanelResponse(_message.Message):
    __slots__ = ("already_final",)
    ALREADY_FINAL_FIELD_NUMBER: _ClassVar[int]
    already_final: bool
    def __init__(self, already_final: _Optional[bool] = ...) -> None: ...
