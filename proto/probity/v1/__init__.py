"""probity.v1, generated from proto/ by proto/generate.py: edit the .proto files, not this."""
