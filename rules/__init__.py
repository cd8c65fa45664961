"""The shipped rule sets, their examples and the source library, installed with the package
(`probity.rules`): `probity serve` serves them by default from any folder (`--rules`
overrides). Only the YAML files here are rule files."""
