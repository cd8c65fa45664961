"""Server reflection, as grpc.reflection.v1 and v1alpha, serving the .proto files' comments.

grpcio-reflection's servicer does the protocol; what it is given here is a descriptor
source that closes its gaps: the descriptors carry their source info (the comments, from
the descriptor set proto/generate.py writes), a method's full name finds its file
(grpcurl describe probity.v1.EvaluationService.Evaluate: grpc/grpc#34743), and the v1
service is served beside v1alpha (the same messages under another package name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection, reflection_pb2

V1 = "grpc.reflection.v1.ServerReflection"
_V1_FILE = "grpc/reflection/v1/reflection.proto"
_METHOD = "ServerReflectionInfo"


@dataclass
class _File:
    """A file as the servicer reads it: name, dependencies, and CopyToProto with comments."""

    proto: descriptor_pb2.FileDescriptorProto
    dependencies: list[_File] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.proto.name

    def CopyToProto(self, target: descriptor_pb2.FileDescriptorProto) -> None:
        target.CopyFrom(self.proto)


class SourcePool:
    """The descriptor pool the reflection servicer asks (its Find* methods), over files
    with source info; anything else (health, reflection's own files) from the default pool."""

    def __init__(self, protos: list[descriptor_pb2.FileDescriptorProto]) -> None:
        self._default = descriptor_pool.Default()
        self._files: dict[str, _File] = {}
        self._symbols: dict[str, str] = {}  # full symbol name → file name
        for proto in protos:
            self._add(proto)
        for known in self._files.values():
            known.dependencies = [self._file(name) for name in known.proto.dependency]

    def _add(self, proto: descriptor_pb2.FileDescriptorProto) -> None:
        self._files[proto.name] = _File(proto)
        prefix = f"{proto.package}." if proto.package else ""
        for message in proto.message_type:
            self._messages(message, prefix, proto.name)
        for enum in proto.enum_type:
            self._symbols[prefix + enum.name] = proto.name
        for service in proto.service:
            self._symbols[prefix + service.name] = proto.name
            for method in service.method:
                self._symbols[f"{prefix}{service.name}.{method.name}"] = proto.name

    def _messages(self, message: descriptor_pb2.DescriptorProto, prefix: str, file: str) -> None:
        name = prefix + message.name
        self._symbols[name] = file
        for nested in message.nested_type:
            self._messages(nested, name + ".", file)
        for enum in message.enum_type:
            self._symbols[f"{name}.{enum.name}"] = file

    def _file(self, name: str) -> Any:
        if name in self._files:
            return self._files[name]
        return self._default.FindFileByName(name)  # KeyError: the servicer says NOT_FOUND

    # -- what the servicer calls -------------------------------------------------------
    def FindFileByName(self, name: str) -> Any:
        return self._file(name)

    def FindFileContainingSymbol(self, symbol: str) -> Any:
        if symbol in self._symbols:
            return self._files[self._symbols[symbol]]
        try:
            return self._default.FindFileContainingSymbol(symbol)
        except KeyError:  # a method of a service known only to the default pool
            service, _, method = symbol.rpartition(".")
            found = self._default.FindServiceByName(service)
            if method not in found.methods_by_name:
                raise
            return found.file

    def FindMessageTypeByName(self, name: str) -> Any:
        return self._default.FindMessageTypeByName(name)

    def FindExtensionByNumber(self, message: Any, number: int) -> Any:
        return self._default.FindExtensionByNumber(message, number)

    def FindAllExtensions(self, message: Any) -> Any:
        return self._default.FindAllExtensions(message)


def _v1_file() -> descriptor_pb2.FileDescriptorProto:
    """grpc.reflection.v1's file: v1alpha's, under the v1 package (the same messages)."""
    proto = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(proto)
    proto.name, proto.package = _V1_FILE, "grpc.reflection.v1"
    for message in proto.message_type:
        for described in message.field:
            described.type_name = described.type_name.replace(".v1alpha.", ".v1.")
    for service in proto.service:
        for method in service.method:
            method.input_type = method.input_type.replace(".v1alpha.", ".v1.")
            method.output_type = method.output_type.replace(".v1alpha.", ".v1.")
    return proto


def source_pool() -> SourcePool:
    """probity.v1's descriptors with their comments, and reflection v1's file."""
    data = (resources.files("probity.v1") / "descriptors.binpb").read_bytes()
    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    for file in files.file:
        _without_json_names(file.message_type)
    return SourcePool([*files.file, _v1_file()])


def _without_json_names(messages: Any) -> None:
    """protoc writes each field's JSON name (lowerCamelCase); the runtime descriptors served
    before had none, and JSON tools showed field names as written (ruleset_id). Kept so:
    one JSON dialect is issue 20's to settle, not a side effect of serving comments."""
    for message in messages:
        for described in message.field:
            described.ClearField("json_name")
        _without_json_names(message.nested_type)


def enable(service_names: tuple[str, ...], server: grpc.Server) -> None:
    """Serve reflection v1 and v1alpha for these services (and for reflection itself)."""
    names = (*service_names, reflection.SERVICE_NAME, V1)
    servicer = reflection.ReflectionServicer(names, pool=source_pool())
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(reflection.SERVICE_NAME, {_METHOD: handler}),
            grpc.method_handlers_generic_handler(V1, {_METHOD: handler}),
        )
    )
