"""What of the GraphQL schema an integrator would find undescribed in GraphiQL: types, fields, arguments, input
fields and enum values without a description. ``python -m tests.support.schema_descriptions [Type ...]`` lists
them (of the given types only, if named) with a count per kind."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

BUILT_IN = frozenset({"String", "Int", "Float", "Boolean", "ID"})


@dataclass(frozen=True)
class Element:
    kind: str  # type, field, argument, input field, enum value
    path: str  # Tier, Tier.name, Query.tier(id), CreateTierInput.key, Role.ADMIN
    described: bool


def elements(schema: GraphQLSchema) -> list[Element]:
    found = []
    for name, named in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN:
            continue
        found.append(Element("type", name, bool(named.description)))
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                found.append(Element("field", f"{name}.{field_name}", bool(field.description)))
                for arg_name, arg in field.args.items():
                    found.append(Element("argument", f"{name}.{field_name}({arg_name})", bool(arg.description)))
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                found.append(Element("input field", f"{name}.{field_name}", bool(input_field.description)))
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                found.append(Element("enum value", f"{name}.{value_name}", bool(value.description)))
    return found


def undescribed(schema: GraphQLSchema) -> list[str]:
    return [element.path for element in elements(schema) if not element.described]


def main(names: list[str]) -> int:
    from gateway.schema.root import create_schema

    found = elements(create_schema()._schema)
    wanted = [e for e in found if not names or e.path.split(".")[0] in names]
    for element in wanted:
        if not element.described:
            sys.stdout.write(f"{element.kind:12} {element.path}\n")
    totals, described = Counter(e.kind for e in wanted), Counter(e.kind for e in wanted if e.described)
    for kind, total in totals.items():
        sys.stderr.write(f"# {kind}: {described[kind]}/{total} described\n")
    sys.stderr.write(f"# all: {sum(described.values())}/{sum(totals.values())} described\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
