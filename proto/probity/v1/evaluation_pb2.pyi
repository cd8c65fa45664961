from google.rpc import status_pb2 as _status_pb2
from probity.v1 import monitoring_pb2 as _monitoring_pb2
from probity.v1 import result_pb2 as _result_pb2
from probity.v1 import submission_pb2 as _submission_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EvaluateRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "submission", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    submission: _submission_pb2.Submission
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., submission: _Optional[_Union[_submission_pb2.Submission, _Mapping]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class EvaluateResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _result_pb2.Result
    def __init__(self, result: _Optional[_Union[_result_pb2.Result, _Mapping]] = ...) -> None: ...

class EvaluateStreamRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "submission", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    submission: _submission_pb2.Submission
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., submission: _Optional[_Union[_submission_pb2.Submission, _Mapping]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class EvaluateStreamResponse(_message.Message):
    __slots__ = ("submission_id", "result", "error")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    result: _result_pb2.Result
    error: _status_pb2.Status
    def __init__(self, submission_id: _Optional[str] = ..., result: _Optional[_Union[_result_pb2.Result, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class EvaluateBatchRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "submissions", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUBMISSIONS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    submissions: _containers.RepeatedCompositeFieldContainer[_submission_pb2.Submission]
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., submissions: _Optional[_Iterable[_Union[_submission_pb2.Submission, _Mapping]]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class EvaluateBatchResponse(_message.Message):
    __slots__ = ("answers",)
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[EvaluateStreamResponse]
    def __init__(self, answers: _Optional[_Iterable[_Union[EvaluateStreamResponse, _Mapping]]] = ...) -> None: ...

class EvaluateBatchStreamRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "submissions", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUBMISSIONS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    submissions: _containers.RepeatedCompositeFieldContainer[_submission_pb2.Submission]
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., submissions: _Optional[_Iterable[_Union[_submission_pb2.Submission, _Mapping]]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class EvaluateBatchStreamResponse(_message.Message):
    __slots__ = ("answers", "batch")
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[EvaluateStreamResponse]
    batch: int
    def __init__(self, answers: _Optional[_Iterable[_Union[EvaluateStreamResponse, _Mapping]]] = ..., batch: _Optional[int] = ...) -> None: ...

class Bid(_message.Message):
    __slots__ = ("submission", "price", "whole_life_cost")
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    WHOLE_LIFE_COST_FIELD_NUMBER: _ClassVar[int]
    submission: _submission_pb2.Submission
    price: float
    whole_life_cost: float
    def __init__(self, submission: _Optional[_Union[_submission_pb2.Submission, _Mapping]] = ..., price: _Optional[float] = ..., whole_life_cost: _Optional[float] = ...) -> None: ...

class TenderDetails(_message.Message):
    __slots__ = ("contracting_authority", "title", "procurement_id", "criteria_published_at", "currency", "standstill_ends")
    CONTRACTING_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROCUREMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    STANDSTILL_ENDS_FIELD_NUMBER: _ClassVar[int]
    contracting_authority: str
    title: str
    procurement_id: str
    criteria_published_at: str
    currency: str
    standstill_ends: str
    def __init__(self, contracting_authority: _Optional[str] = ..., title: _Optional[str] = ..., procurement_id: _Optional[str] = ..., criteria_published_at: _Optional[str] = ..., currency: _Optional[str] = ..., standstill_ends: _Optional[str] = ...) -> None: ...

class EvaluateTenderRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "tender_id", "bids", "view", "details")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    tender_id: str
    bids: _containers.RepeatedCompositeFieldContainer[Bid]
    view: _result_pb2.ResultView
    details: TenderDetails
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., tender_id: _Optional[str] = ..., bids: _Optional[_Iterable[_Union[Bid, _Mapping]]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ..., details: _Optional[_Union[TenderDetails, _Mapping]] = ...) -> None: ...

class TenderHeader(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "tender_id", "view", "details")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    tender_id: str
    view: _result_pb2.ResultView
    details: TenderDetails
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., tender_id: _Optional[str] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ..., details: _Optional[_Union[TenderDetails, _Mapping]] = ...) -> None: ...

class EvaluateTenderStreamRequest(_message.Message):
    __slots__ = ("tender", "bid")
    TENDER_FIELD_NUMBER: _ClassVar[int]
    BID_FIELD_NUMBER: _ClassVar[int]
    tender: TenderHeader
    bid: Bid
    def __init__(self, tender: _Optional[_Union[TenderHeader, _Mapping]] = ..., bid: _Optional[_Union[Bid, _Mapping]] = ...) -> None: ...

class EvaluateTenderStreamResponse(_message.Message):
    __slots__ = ("bid", "ranking")
    BID_FIELD_NUMBER: _ClassVar[int]
    RANKING_FIELD_NUMBER: _ClassVar[int]
    bid: EvaluateStreamResponse
    ranking: EvaluateTenderResponse
    def __init__(self, bid: _Optional[_Union[EvaluateStreamResponse, _Mapping]] = ..., ranking: _Optional[_Union[EvaluateTenderResponse, _Mapping]] = ...) -> None: ...

class AwardWeighting(_message.Message):
    __slots__ = ("quality", "price")
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    quality: float
    price: float
    def __init__(self, quality: _Optional[float] = ..., price: _Optional[float] = ...) -> None: ...

class BidResult(_message.Message):
    __slots__ = ("submission_id", "supplier_id", "supplier_name", "result", "quality_score", "price_score", "combined_score", "compared_cost", "price", "whole_life_cost", "rank", "excluded", "exclusion_reason", "rejected", "supplier", "not_awardable", "not_awardable_reason")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_NAME_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    PRICE_SCORE_FIELD_NUMBER: _ClassVar[int]
    COMBINED_SCORE_FIELD_NUMBER: _ClassVar[int]
    COMPARED_COST_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    WHOLE_LIFE_COST_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    EXCLUSION_REASON_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    NOT_AWARDABLE_FIELD_NUMBER: _ClassVar[int]
    NOT_AWARDABLE_REASON_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    supplier_id: str
    supplier_name: str
    result: _result_pb2.Result
    quality_score: float
    price_score: float
    combined_score: float
    compared_cost: float
    price: float
    whole_life_cost: float
    rank: int
    excluded: bool
    exclusion_reason: str
    rejected: bool
    supplier: _submission_pb2.Supplier
    not_awardable: bool
    not_awardable_reason: str
    def __init__(self, submission_id: _Optional[str] = ..., supplier_id: _Optional[str] = ..., supplier_name: _Optional[str] = ..., result: _Optional[_Union[_result_pb2.Result, _Mapping]] = ..., quality_score: _Optional[float] = ..., price_score: _Optional[float] = ..., combined_score: _Optional[float] = ..., compared_cost: _Optional[float] = ..., price: _Optional[float] = ..., whole_life_cost: _Optional[float] = ..., rank: _Optional[int] = ..., excluded: _Optional[bool] = ..., exclusion_reason: _Optional[str] = ..., rejected: _Optional[bool] = ..., supplier: _Optional[_Union[_submission_pb2.Supplier, _Mapping]] = ..., not_awardable: _Optional[bool] = ..., not_awardable_reason: _Optional[str] = ...) -> None: ...

class EvaluateTenderResponse(_message.Message):
    __slots__ = ("tender_id", "ruleset", "weighting", "cost_basis", "lowest_cost", "bids", "minimums", "details", "bands", "sensitive_answers", "awaiting_panel")
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    WEIGHTING_FIELD_NUMBER: _ClassVar[int]
    COST_BASIS_FIELD_NUMBER: _ClassVar[int]
    LOWEST_COST_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    MINIMUMS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    BANDS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_ANSWERS_FIELD_NUMBER: _ClassVar[int]
    AWAITING_PANEL_FIELD_NUMBER: _ClassVar[int]
    tender_id: str
    ruleset: _result_pb2.RulesetRef
    weighting: AwardWeighting
    cost_basis: str
    lowest_cost: float
    bids: _containers.RepeatedCompositeFieldContainer[BidResult]
    minimums: _containers.RepeatedCompositeFieldContainer[MinimumScore]
    details: TenderDetails
    bands: _containers.RepeatedCompositeFieldContainer[BandStanding]
    sensitive_answers: _containers.RepeatedScalarFieldContainer[str]
    awaiting_panel: bool
    def __init__(self, tender_id: _Optional[str] = ..., ruleset: _Optional[_Union[_result_pb2.RulesetRef, _Mapping]] = ..., weighting: _Optional[_Union[AwardWeighting, _Mapping]] = ..., cost_basis: _Optional[str] = ..., lowest_cost: _Optional[float] = ..., bids: _Optional[_Iterable[_Union[BidResult, _Mapping]]] = ..., minimums: _Optional[_Iterable[_Union[MinimumScore, _Mapping]]] = ..., details: _Optional[_Union[TenderDetails, _Mapping]] = ..., bands: _Optional[_Iterable[_Union[BandStanding, _Mapping]]] = ..., sensitive_answers: _Optional[_Iterable[str]] = ..., awaiting_panel: _Optional[bool] = ...) -> None: ...

class BandStanding(_message.Message):
    __slots__ = ("band", "label", "awardable", "statement")
    BAND_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    AWARDABLE_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    band: str
    label: str
    awardable: bool
    statement: str
    def __init__(self, band: _Optional[str] = ..., label: _Optional[str] = ..., awardable: _Optional[bool] = ..., statement: _Optional[str] = ...) -> None: ...

class MinimumScore(_message.Message):
    __slots__ = ("kind", "subject", "least", "statement")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    LEAST_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    subject: str
    least: float
    statement: str
    def __init__(self, kind: _Optional[str] = ..., subject: _Optional[str] = ..., least: _Optional[float] = ..., statement: _Optional[str] = ...) -> None: ...

class CheckContractRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "contract", "returns", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    contract: _monitoring_pb2.Contract
    returns: _containers.RepeatedCompositeFieldContainer[_monitoring_pb2.MonitoringReturn]
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., contract: _Optional[_Union[_monitoring_pb2.Contract, _Mapping]] = ..., returns: _Optional[_Iterable[_Union[_monitoring_pb2.MonitoringReturn, _Mapping]]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class CheckContractResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _monitoring_pb2.ContractResult
    def __init__(self, result: _Optional[_Union[_monitoring_pb2.ContractResult, _Mapping]] = ...) -> None: ...

class CheckPortfolioRequest(_message.Message):
    __slots__ = ("ruleset_id", "ruleset_version", "contract", "returns", "view")
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ruleset_id: str
    ruleset_version: str
    contract: _monitoring_pb2.Contract
    returns: _containers.RepeatedCompositeFieldContainer[_monitoring_pb2.MonitoringReturn]
    view: _result_pb2.ResultView
    def __init__(self, ruleset_id: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., contract: _Optional[_Union[_monitoring_pb2.Contract, _Mapping]] = ..., returns: _Optional[_Iterable[_Union[_monitoring_pb2.MonitoringReturn, _Mapping]]] = ..., view: _Optional[_Union[_result_pb2.ResultView, str]] = ...) -> None: ...

class CheckPortfolioResponse(_message.Message):
    __slots__ = ("contract_id", "result", "error")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    result: _monitoring_pb2.ContractResult
    error: _status_pb2.Status
    def __init__(self, contract_id: _Optional[str] = ..., result: _Optional[_Union[_monitoring_pb2.ContractResult, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...
