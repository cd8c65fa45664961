from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Supplier(_message.Message):
    __slots__ = ("id", "name", "postal_address", "email", "identifier")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSTAL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    postal_address: str
    email: str
    identifier: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., postal_address: _Optional[str] = ..., email: _Optional[str] = ..., identifier: _Optional[str] = ...) -> None: ...

class Submission(_message.Message):
    __slots__ = ("id", "tender_id", "supplier", "answers")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    id: str
    tender_id: str
    supplier: Supplier
    answers: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., tender_id: _Optional[str] = ..., supplier: _Optional[_Union[Supplier, _Mapping]] = ..., answers: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
