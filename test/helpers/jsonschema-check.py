#!/usr/bin/env python3
"""Validates the JSON document on stdin against a JSON schema with Python's jsonschema, a
validator independent of the Ajv the tests use.

Usage: jsonschema-check.py SCHEMA [ID FILE]...  (each ID FILE pair: a schema the first refers to)
Exit 0 when valid; 1 with every error on stderr otherwise."""
import json
import sys
import warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: the one API both 4.10 and 4.2x have


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    store = {}
    rest = sys.argv[2:]
    for i in range(0, len(rest), 2):
        with open(rest[i + 1], encoding="utf-8") as f:
            store[rest[i]] = json.load(f)
    document = json.load(sys.stdin)
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    errors = sorted(cls(schema, resolver=resolver).iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        print(f"{'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
