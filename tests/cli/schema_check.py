"""Validates config files against schema/lineup.schema.json, as an editor does.

Usage: schema_check.py SCHEMA SOURCE_DIR valid FILE...   -> exit 0 if every FILE is valid
       schema_check.py SCHEMA SOURCE_DIR invalid FILE... -> exit 0 if every FILE is invalid
       schema_check.py SCHEMA SOURCE_DIR keys            -> exit 0 if the schema lists exactly
                                                            the keys src/config accepts
YAML is read with the YAML 1.2 core schema, as editors (yaml-language-server)
and lineup do: `no` is a string, `8000:80` is a string, not a base-60 number.
"""
import json
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                                                   "tag:yaml.org,2002:float")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                   list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"),
    list("-+0123456789."))

# compose's merge tags (!reset, !override) mark a value; an editor configured
# for compose reads the value under them.
for tag in ("!reset", "!override"):
    Yaml12Loader.add_constructor(
        tag, lambda loader, node: loader.construct_object(node.__class__(
            "tag:yaml.org,2002:" + {"ScalarNode": "str", "SequenceNode": "seq", "MappingNode": "map"}[type(node).__name__],
            node.value), deep=True))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def validator(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema, jsonschema.Draft202012Validator(schema)


def cpp_arrays(path):
    """name -> list of strings, for every `constexpr std::array<std::string_view, N> kName = {...};`."""
    text = open(path, encoding="utf-8").read()
    out = {}
    for m in re.finditer(r"std::array<std::string_view,\s*\d+>\s+(k\w+)\s*=\s*\{([^}]*)\}", text):
        out[m.group(1)] = re.findall(r'"([^"]*)"', m.group(2))
    return out


def check_keys(schema, src):
    d = schema["$defs"]
    arrays = cpp_arrays(f"{src}/src/config/keys.cc")
    arrays.update(cpp_arrays(f"{src}/src/config/decode_probe.cc"))
    timing = set(d["timing"]["properties"])
    pairs = [
        ("top level", set(schema["properties"]), set(arrays["kTopKeys"]) | set(arrays["kTopIgnored"])),
        ("service", set(d["service_keys"]["properties"]),
         set(arrays["kServiceKeys"]) | set(arrays["kServiceIgnored"])),
        ("depends_on entry", set(d["depends_on"]["anyOf"][2]["additionalProperties"]["anyOf"][2]["properties"]),
         set(arrays["kDependencyKeys"])),
        ("restart", set(d["restart"]["anyOf"][1]["properties"]), set(arrays["kRestartKeys"])),
        ("backoff", set(d["restart"]["anyOf"][1]["properties"]["backoff"]["properties"]),
         set(arrays["kBackoffKeys"])),
        ("circuit_breaker", set(d["circuit_breaker"]["properties"]), set(arrays["kBreakerKeys"])),
        ("profile", set(d["profile"]["properties"]), set(arrays["kProfileKeys"])),
        ("api", set(schema["properties"]["api"]["properties"]), set(arrays["kApiKeys"])),
        ("healthcheck", set(d["healthcheck"]["properties"]), set(arrays["kHealthcheckKeys"])),
        ("probe kinds", set(d["probe"]["properties"]), set(arrays["kKinds"])),
        ("probe timing", timing, set(arrays["kTimingKeys"])),
    ]
    bad = 0
    for what, in_schema, in_src in pairs:
        if in_schema != in_src:
            bad += 1
            print(f"{what}: only in the schema: {sorted(in_schema - in_src)}; "
                  f"only in src/config: {sorted(in_src - in_schema)}")
    return bad


def main():
    schema_path, src, mode, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    schema, v = validator(schema_path)
    if mode == "keys":
        sys.exit(1 if check_keys(schema, src) else 0)
    bad = 0
    for path in files:
        try:
            doc = load(path)
        except yaml.YAMLError as e:
            print(f"{path}: not YAML: {e}")
            bad += 1
            continue
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if mode == "valid" and errors:
            bad += 1
            e = jsonschema.exceptions.best_match(errors)
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{path}: {where}: {e.message[:300]} ({len(errors)} error(s))")
        elif mode == "invalid" and not errors:
            bad += 1
            print(f"{path}: passes the schema, but it should not")
    sys.exit(1 if bad else 0)


main()
