from probity.v1 import evaluation_pb2 as _evaluation_pb2
from probity.v1 import monitoring_pb2 as _monitoring_pb2
from probity.v1 import result_pb2 as _result_pb2
from probity.v1 import submission_pb2 as _submission_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EvaluationRecord(_message.Message):
    __slots__ = ("seq", "request_id", "item", "recorded_at", "method", "caller_name", "caller_role", "kind", "subject_id", "tender_id", "contract_id", "supplier_id", "ruleset", "submission", "contract_check", "result", "contract_result", "undelivered", "view")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CALLER_NAME_FIELD_NUMBER: _ClassVar[int]
    CALLER_ROLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_CHECK_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_RESULT_FIELD_NUMBER: _ClassVar[int]
    UNDELIVERED_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    seq: int
    request_id: str
    item: int
    recorded_at: str
    method: str
    caller_name: str
    caller_role: str
    kind: str
    subject_id: str
    tender_id: str
    contract_id: str
    supplier_id: str
    ruleset: _result_pb2.RulesetRef
    submission: _submission_pb2.Submission
    contract_check: _evaluation_pb2.CheckContractRequest
    result: _result_pb2.Result
    contract_result: _monitoring_pb2.ContractResult
    undelivered: bool
    view: _result_pb2.ResultView
    def __init__(self, seq: _Optional[int] = ..., request_id: _Optional[str] = ..., item: _Optional[int] = ..., recorded_at: _Optional[str] = ..., method: _Optional[str] = ..., caller_name: _Optional[str] = ..., caller_role: _Optional[str] = ..., kind: _Optional[str] = ..., subject_id: _Optional[str] = ..., tender_id: _Optional[str] = ..., contract_id: _Optional[str] = ..., supplier_id: _Optional[str] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., submission: _Optional[_Union[_submission_pb2.Submission, _Mapping]] = ..., contract_check: _Optional[_Union[_evaluation_pb2.CheckContractRequest, _Mapping]] = ..., result: _Optional[_Union[_result_pb2.Result, _Mapping]] = ..., contract_result: _Optional[_Union[_monitoring_pb2.ContractResult, _Mapping]] = ..., undelivered: _Optional[bool] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class GetEvaluationRequest(_message.Message):
    __slots__ = ("seq",)
    SEQ_FIELD_NUMBER: _ClassVar[int]
    seq: int
    def __init__(self, seq: _Optional[int] = ...) -> None: ...

class GetEvaluationResponse(_message.Message):
    __slots__ = ("evaluation",)
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    evaluation: EvaluationRecord
    def __init__(self, evaluation: _Optional[_Union[EvaluationRecord, _Mapping]] = ...) -> None: ...

class ListEvaluationsRequest(_message.Message):
    __slots__ = ("tender_id", "contract_id", "supplier_id", "ruleset_id", "since", "until", "page_size", "page_token")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    contract_id: str
    supplier_id: str
    ruleset_id: str
    since: str
    until: str
    page_size: int
    page_token: str
    def __init__(self, tender_id: _Optional[str] = ..., contract_id: _Optional[str] = ..., supplier_id: _Optional[str] = ..., ruleset_id: _Optional[str] = ..., since: _Optional[str] = ..., until: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListEvaluationsResponse(_message.Message):
    __slots__ = ("evaluations", "next_page_token")
    EVALUATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    evaluations: _containers.RepeatedCompositeFieldContainer[EvaluationRecord]
    next_page_token: str
    def __init__(self, evaluations: _Optional[_Iterable[_Union[EvaluationRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetRulesetVersionRequest(_message.Message):
    __slots__ = ("digest", "ruleset_id", "version")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    digest: str
    ruleset_id: str
    version: str
    def __init__(self, digest: _Optional[str] = ..., ruleset_id: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class RulesetVersionRecord(_message.Message):
    __slots__ = ("digest", "ruleset_id", "version", "kind", "source_text", "file", "how", "by_name", "by_role", "first_seen", "citations")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    HOW_FIELD_NUMBER: _ClassVar[int]
    BY_NAME_FIELD_NUMBER: _ClassVar[int]
    BY_ROLE_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    digest: str
    ruleset_id: str
    version: str
    kind: str
    source_text: str
    file: str
    how: str
    by_name: str
    by_role: str
    first_seen: str
    citations: str
    def __init__(self, digest: _Optional[str] = ..., ruleset_id: _Optional[str] = ..., version: _Optional[str] = ..., kind: _Optional[str] = ..., source_text: _Optional[str] = ..., file: _Optional[str] = ..., how: _Optional[str] = ..., by_name: _Optional[str] = ..., by_role: _Optional[str] = ..., first_seen: _Optional[str] = ..., citations: _Optional[str] = ...) -> None: ...

class GetRulesetVersionResponse(_message.Message):
    __slots__ = ("ruleset", "catalog")
    RULESET_FIELD_NUMBER: _ClassVar[int]
    CATALOG_FIELD_NUMBER: _ClassVar[int]
    ruleset: RulesetVersionRecord
    catalog: _result_pb2.ResultCatalog
    def __init__(self, ruleset: _Optional[_Union[RulesetVersionRecord, _Mapping]] = ..., catalog: _Optional[_Union[_result_pb2.ResultCatalog, _Mapping]] = ...) -> None: ...

class ReplayRequest(_message.Message):
    __slots__ = ("seq",)
    SEQ_FIELD_NUMBER: _ClassVar[int]
    seq: int
    def __init__(self, seq: _Optional[int] = ...) -> None: ...

class ReplayResponse(_message.Message):
    __slots__ = ("seq", "ruleset", "identical", "diff", "recorded_engine_version", "engine_version")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    IDENTICAL_FIELD_NUMBER: _ClassVar[int]
    DIFF_FIELD_NUMBER: _ClassVar[int]
    RECORDED_ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    seq: int
    ruleset: _result_pb2.RulesetRef
    identical: bool
    diff: str
    recorded_engine_version: str
    engine_version: str
    def __init__(self, seq: _Optional[int] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., identical: _Optional[bool] = ..., diff: _Optional[str] = ..., recorded_engine_version: _Optional[str] = ..., engine_version: _Optional[str] = ...) -> None: ...

class GetTenderRequest(_message.Message):
    __slots__ = ("tender_id", "request_id")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    request_id: str
    def __init__(self, tender_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordedBid(_message.Message):
    __slots__ = ("submission_id", "seq", "item")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    seq: int
    item: int
    def __init__(self, submission_id: _Optional[str] = ..., seq: _Optional[int] = ..., item: _Optional[int] = ...) -> None: ...

class GetTenderResponse(_message.Message):
    __slots__ = ("request_id", "recorded_at", "method", "caller_name", "caller_role", "tender", "view", "bids", "request_ids")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CALLER_NAME_FIELD_NUMBER: _ClassVar[int]
    CALLER_ROLE_FIELD_NUMBER: _ClassVar[int]
    TENDER_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_IDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    recorded_at: str
    method: str
    caller_name: str
    caller_role: str
    tender: _evaluation_pb2.EvaluateTenderResponse
    view: _result_pb2.ResultView
    bids: _containers.RepeatedCompositeFieldContainer[RecordedBid]
    request_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., recorded_at: _Optional[str] = ..., method: _Optional[str] = ..., caller_name: _Optional[str] = ..., caller_role: _Optional[str] = ..., tender: _Optional[_Union[_evaluation_pb2.EvaluateTenderResponse, _Mapping]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ..., bids: _Optional[_Iterable[_Union[RecordedBid, _Mapping]]] = ..., request_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class GetAssessmentSummariesRequest(_message.Message):
    __slots__ = ("tender_id", "request_id", "submission_ids")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_IDS_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    request_id: str
    submission_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tender_id: _Optional[str] = ..., request_id: _Optional[str] = ..., submission_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AssessmentSummary(_message.Message):
    __slots__ = ("submission_id", "supplier_id", "supplier_name", "most_advantageous", "html", "text")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_NAME_FIELD_NUMBER: _ClassVar[int]
    MOST_ADVANTAGEOUS_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    supplier_id: str
    supplier_name: str
    most_advantageous: bool
    html: str
    text: str
    def __init__(self, submission_id: _Optional[str] = ..., supplier_id: _Optional[str] = ..., supplier_name: _Optional[str] = ..., most_advantageous: _Optional[bool] = ..., html: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class GetAssessmentSummariesResponse(_message.Message):
    __slots__ = ("tender_id", "request_id", "ruleset", "summaries")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    SUMMARIES_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    request_id: str
    ruleset: _result_pb2.RulesetRef
    summaries: _containers.RepeatedCompositeFieldContainer[AssessmentSummary]
    def __init__(self, tender_id: _Optional[str] = ..., request_id: _Optional[str] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., summaries: _Optional[_Iterable[_Union[AssessmentSummary, _Mapping]]] = ...) -> None: ...

class PreviewImpactRequest(_message.Message):
    __slots__ = ("ruleset_id", "source_text", "tender_id", "since", "until", "limit")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    source_text: str
    tender_id: str
    since: str
    until: str
    limit: int
    def __init__(self, ruleset_id: _Optional[str] = ..., source_text: _Optional[str] = ..., tender_id: _Optional[str] = ..., since: _Optional[str] = ..., until: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ImpactOutcome(_message.Message):
    __slots__ = ("band", "band_label", "total", "rejected", "rank")
    BAND_FIELD_NUMBER: _ClassVar[int]
    BAND_LABEL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    band: str
    band_label: str
    total: float
    rejected: bool
    rank: int
    def __init__(self, band: _Optional[str] = ..., band_label: _Optional[str] = ..., total: _Optional[float] = ..., rejected: _Optional[bool] = ..., rank: _Optional[int] = ...) -> None: ...

class ImpactChange(_message.Message):
    __slots__ = ("seq", "submission_id", "tender_id", "supplier_id", "before", "after")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    seq: int
    submission_id: str
    tender_id: str
    supplier_id: str
    before: ImpactOutcome
    after: ImpactOutcome
    def __init__(self, seq: _Optional[int] = ..., submission_id: _Optional[str] = ..., tender_id: _Optional[str] = ..., supplier_id: _Optional[str] = ..., before: _Optional[_Union[ImpactOutcome, _Mapping]] = ..., after: _Optional[_Union[ImpactOutcome, _Mapping]] = ...) -> None: ...

class PreviewImpactResponse(_message.Message):
    __slots__ = ("draft", "active_version", "evaluated", "changed", "changes", "refused", "unranked_tenders")
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    UNRANKED_TENDERS_FIELD_NUMBER: _ClassVar[int]
    draft: _result_pb2.RulesetRef
    active_version: str
    evaluated: int
    changed: int
    changes: _containers.RepeatedCompositeFieldContainer[ImpactChange]
    refused: _containers.RepeatedScalarFieldContainer[str]
    unranked_tenders: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, draft: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., active_version: _Optional[str] = ..., evaluated: _Optional[int] = ..., changed: _Optional[int] = ..., changes: _Optional[_Iterable[_Union[ImpactChange, _Mapping]]] = ..., refused: _Optional[_Iterable[str]] = ..., unranked_tenders: _Optional[_Iterable[str]] = ...) -> None: ...

class DeriveContractRequest(_message.Message):
    __slots__ = ("tender_id", "request_id", "contract_id")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    request_id: str
    contract_id: str
    def __init__(self, tender_id: _Optional[str] = ..., request_id: _Optional[str] = ..., contract_id: _Optional[str] = ...) -> None: ...

class DeriveContractResponse(_message.Message):
    __slots__ = ("contract", "monitoring_ruleset_id", "notes")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    MONITORING_RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    contract: _monitoring_pb2.Contract
    monitoring_ruleset_id: str
    notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, contract: _Optional[_Union[_monitoring_pb2.Contract, _Mapping]] = ..., monitoring_ruleset_id: _Optional[str] = ..., notes: _Optional[_Iterable[str]] = ...) -> None: ...

class GetPerformanceNoticeRequest(_message.Message):
    __slots__ = ("seq", "issued_on")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ISSUED_ON_FIELD_NUMBER: _ClassVar[int]
    seq: int
    issued_on: str
    def __init__(self, seq: _Optional[int] = ..., issued_on: _Optional[str] = ...) -> None: ...

class GetPerformanceNoticeResponse(_message.Message):
    __slots__ = ("contract_id", "html", "ocds_json")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    OCDS_JSON_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    html: str
    ocds_json: str
    def __init__(self, contract_id: _Optional[str] = ..., html: _Optional[str] = ..., ocds_json: _Optional[str] = ...) -> None: ...
