"""The gRPC service probity.v1 (issue 3): translates protobuf to engine calls and back."""
