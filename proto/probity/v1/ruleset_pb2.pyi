from google.protobuf import struct_pb2 as _struct_pb2
from probity.v1 import result_pb2 as _result_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RulesetInfo(_message.Message):
    __slots__ = ("id", "version", "digest", "title", "kind", "framework", "criteria_count", "file", "other_versions")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FRAMEWORK_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_COUNT_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    OTHER_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    digest: str
    title: str
    kind: str
    framework: str
    criteria_count: int
    file: str
    other_versions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., digest: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., framework: _Optional[str] = ..., criteria_count: _Optional[int] = ..., file: _Optional[str] = ..., other_versions: _Optional[_Iterable[str]] = ...) -> None: ...

class Diagnostic(_message.Message):
    __slots__ = ("file", "line", "column", "message", "code", "severity")
    FILE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    file: str
    line: int
    column: int
    message: str
    code: str
    severity: str
    def __init__(self, file: _Optional[str] = ..., line: _Optional[int] = ..., column: _Optional[int] = ..., message: _Optional[str] = ..., code: _Optional[str] = ..., severity: _Optional[str] = ...) -> None: ...

class ListRulesetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRulesetsResponse(_message.Message):
    __slots__ = ("rulesets",)
    RULESETS_FIELD_NUMBER: _ClassVar[int]
    rulesets: _containers.RepeatedCompositeFieldContainer[RulesetInfo]
    def __init__(self, rulesets: _Optional[_Iterable[_Union[RulesetInfo, _Mapping]]] = ...) -> None: ...

class GetRulesetRequest(_message.Message):
    __slots__ = ("id", "version", "catalog_only")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CATALOG_ONLY_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    catalog_only: bool
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., catalog_only: _Optional[bool] = ...) -> None: ...

class GetRulesetResponse(_message.Message):
    __slots__ = ("ruleset", "source_text", "inputs_schema", "catalog", "activations", "replicas")
    RULESET_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    INPUTS_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    CATALOG_FIELD_NUMBER: _ClassVar[int]
    ACTIVATIONS_FIELD_NUMBER: _ClassVar[int]
    REPLICAS_FIELD_NUMBER: _ClassVar[int]
    ruleset: RulesetInfo
    source_text: str
    inputs_schema: str
    catalog: _result_pb2.ResultCatalog
    activations: _containers.RepeatedCompositeFieldContainer[Activation]
    replicas: _containers.RepeatedCompositeFieldContainer[ReplicaServing]
    def __init__(self, ruleset: _Optional[_Union[RulesetInfo, _Mapping]] = ..., source_text: _Optional[str] = ..., inputs_schema: _Optional[str] = ..., catalog: _Optional[_Union[_result_pb2.ResultCatalog, _Mapping]] = ..., activations: _Optional[_Iterable[_Union[Activation, _Mapping]]] = ..., replicas: _Optional[_Iterable[_Union[ReplicaServing, _Mapping]]] = ...) -> None: ...

class ReplicaServing(_message.Message):
    __slots__ = ("replica", "host", "version", "digest", "seen_at")
    REPLICA_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    replica: str
    host: str
    version: str
    digest: str
    seen_at: str
    def __init__(self, replica: _Optional[str] = ..., host: _Optional[str] = ..., version: _Optional[str] = ..., digest: _Optional[str] = ..., seen_at: _Optional[str] = ...) -> None: ...

class Activation(_message.Message):
    __slots__ = ("version", "digest", "how", "by_name", "by_role", "activated_at", "note")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    HOW_FIELD_NUMBER: _ClassVar[int]
    BY_NAME_FIELD_NUMBER: _ClassVar[int]
    BY_ROLE_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    version: str
    digest: str
    how: str
    by_name: str
    by_role: str
    activated_at: str
    note: str
    def __init__(self, version: _Optional[str] = ..., digest: _Optional[str] = ..., how: _Optional[str] = ..., by_name: _Optional[str] = ..., by_role: _Optional[str] = ..., activated_at: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ValidateRulesetRequest(_message.Message):
    __slots__ = ("source_text", "file_name")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    file_name: str
    def __init__(self, source_text: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class TryRulesetRequest(_message.Message):
    __slots__ = ("source_text", "file_name", "answers")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    file_name: str
    answers: _struct_pb2.Struct
    def __init__(self, source_text: _Optional[str] = ..., file_name: _Optional[str] = ..., answers: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TryRulesetResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _result_pb2.Result
    def __init__(self, result: _Optional[_Union[_result_pb2.Result, _Mapping]] = ...) -> None: ...

class TestRulesetRequest(_message.Message):
    __slots__ = ("source_text", "file_name")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    file_name: str
    def __init__(self, source_text: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class TestRulesetResponse(_message.Message):
    __slots__ = ("cases", "met", "not_met", "criteria")
    CASES_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    NOT_MET_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[TestCaseOutcome]
    met: _containers.RepeatedScalarFieldContainer[str]
    not_met: _containers.RepeatedScalarFieldContainer[str]
    criteria: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, cases: _Optional[_Iterable[_Union[TestCaseOutcome, _Mapping]]] = ..., met: _Optional[_Iterable[str]] = ..., not_met: _Optional[_Iterable[str]] = ..., criteria: _Optional[_Iterable[str]] = ...) -> None: ...

class TestCaseOutcome(_message.Message):
    __slots__ = ("name", "failures")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    name: str
    failures: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., failures: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidateRulesetResponse(_message.Message):
    __slots__ = ("valid", "diagnostics", "ruleset")
    VALID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    RULESET_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    diagnostics: _containers.RepeatedCompositeFieldContainer[Diagnostic]
    ruleset: RulesetInfo
    def __init__(self, valid: _Optional[bool] = ..., diagnostics: _Optional[_Iterable[_Union[Diagnostic, _Mapping]]] = ..., ruleset: _Optional[_Union[RulesetInfo, _Mapping]] = ...) -> None: ...

class PublishRulesetRequest(_message.Message):
    __slots__ = ("source_text", "file_name", "note")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    file_name: str
    note: str
    def __init__(self, source_text: _Optional[str] = ..., file_name: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class PublishRulesetResponse(_message.Message):
    __slots__ = ("ruleset", "previous_version")
    RULESET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VERSION_FIELD_NUMBER: _ClassVar[int]
    ruleset: RulesetInfo
    previous_version: str
    def __init__(self, ruleset: _Optional[_Union[RulesetInfo, _Mapping]] = ..., previous_version: _Optional[str] = ...) -> None: ...

class ReloadRulesetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReloadRulesetsResponse(_message.Message):
    __slots__ = ("rulesets", "diagnostics")
    RULESETS_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    rulesets: _containers.RepeatedCompositeFieldContainer[RulesetInfo]
    diagnostics: _containers.RepeatedCompositeFieldContainer[Diagnostic]
    def __init__(self, rulesets: _Optional[_Iterable[_Union[RulesetInfo, _Mapping]]] = ..., diagnostics: _Optional[_Iterable[_Union[Diagnostic, _Mapping]]] = ...) -> None: ...

class GetCallerRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCallerResponse(_message.Message):
    __slots__ = ("name", "role")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: str
    def __init__(self, name: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...
