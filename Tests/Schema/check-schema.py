#!/usr/bin/env python3
"""Validate YAML scenario files against cascade's JSON Schema (docs/scenario.schema.json).

Usage: check-schema.py SCHEMA FILE...

Prints one line per file: `ok FILE` or `reject FILE: KEY.PATH: message` (the schema error
jsonschema ranks most relevant). Exits 0 when every file was read, 2 when the schema or a
file cannot be read. The YAML is read with the YAML 1.2 core schema, as the editors' YAML
language server and cascade (Yams) read it: `1.0e9` is a number, `yes` and `2024-08-05` are
text. Requires python3-yaml and python3-jsonschema (Debian packages; `make test-deps` installs them).
"""
import json
import re
import sys

import jsonschema
import yaml


class CoreLoader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's implicit types instead of YAML 1.1's."""


CoreLoader.yaml_implicit_resolvers = {}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", construct_float)


def jsonable(value):
    """Mapping keys as text (YAML `5: 0.3` is the key "5"), as in JSON."""
    if isinstance(value, dict):
        return {str(k).lower() if isinstance(k, bool) else str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def location(error):
    parts = []
    for p in error.absolute_path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = validator_class(schema)
    except Exception as error:  # the schema itself is broken
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 2
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = jsonable(yaml.load(f, Loader=CoreLoader))
        except Exception as error:
            print(f"{path}: not readable as YAML: {error}", file=sys.stderr)
            return 2
        best = jsonschema.exceptions.best_match(validator.iter_errors(document))
        if best is None:
            print(f"ok {path}")
        else:
            message = best.message.replace("\n", " ")
            print(f"reject {path}: {location(best)}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
