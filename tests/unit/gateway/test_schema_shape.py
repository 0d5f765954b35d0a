"""One public shape, held by the schema itself: every list is a Relay connection read with ``first``/``after``,
every mutation takes one ``input: <Mutation>Input``, and nothing an integrator meets reads as something else."""

from __future__ import annotations

from functools import cache

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from gateway.schema.root import create_schema

# Bounded by what they are, not paged: a leaderboard's top N and a member's latest few ledger entries.
BOUNDED_LISTS = {("Query", "leaderboard"), ("MemberGamification", "recentEntries")}


@cache
def schema() -> GraphQLSchema:
    return create_schema()._schema


def object_fields(of: GraphQLSchema) -> list[tuple[str, str, GraphQLField]]:
    return [
        (type_name, field_name, field)
        for type_name, named in of.type_map.items()
        if isinstance(named, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in named.fields.items()
    ]


def connection_shape_problems(of: GraphQLSchema) -> list[str]:
    problems = []
    for name, named in of.type_map.items():
        if not (isinstance(named, GraphQLObjectType) and name.endswith("Connection")):
            continue
        missing = {"edges", "nodes", "pageInfo"} - set(named.fields)
        if missing:
            problems.append(f"{name} lacks {sorted(missing)}")
            continue
        edge = get_named_type(named.fields["edges"].type)
        if not isinstance(edge, GraphQLObjectType) or not {"cursor", "node"} <= set(edge.fields):
            problems.append(f"{name}.edges is not [{{cursor node}}]")
    return problems


def paging_problems(of: GraphQLSchema) -> list[str]:
    problems = []
    for type_name, field_name, field in object_fields(of):
        if get_named_type(field.type).name.endswith("Connection") and not {"first", "after"} <= set(field.args):
            problems.append(f"{type_name}.{field_name} returns a connection without first/after")
        limit = field.args.get("limit")
        if limit is not None and limit.deprecation_reason is None and (type_name, field_name) not in BOUNDED_LISTS:
            problems.append(f"{type_name}.{field_name} pages by limit")
        paged_by = {"first", "after", "limit", "before", "cursor"} & set(field.args)
        if _is_list(field) and paged_by and (type_name, field_name) not in BOUNDED_LISTS:
            problems.append(f"{type_name}.{field_name} is a paged plain list")
    return problems


def _is_list(field: GraphQLField) -> bool:
    kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(kind, GraphQLList)


def mutation_input_problems(of: GraphQLSchema) -> list[str]:
    problems = []
    assert of.mutation_type is not None
    for name, field in of.mutation_type.fields.items():
        if field.deprecation_reason is not None:
            continue
        expected = name[0].upper() + name[1:] + "Input"
        given = field.args.get("input")
        kept = [arg for arg, value in field.args.items() if arg != "input" and value.deprecation_reason is None]
        if given is None or get_named_type(given.type).name != expected or kept:
            problems.append(f"{name}({', '.join(field.args)}) should take input: {expected}")
        elif not isinstance(get_named_type(given.type), GraphQLInputObjectType):
            problems.append(f"{name}: {expected} is not an input object")
    return problems


def test_every_connection_has_edges_nodes_and_page_info() -> None:
    assert connection_shape_problems(schema()) == []


def test_every_list_is_paged_as_a_connection_by_first_and_after() -> None:
    assert paging_problems(schema()) == []


def test_every_mutation_takes_one_input_named_for_it() -> None:
    assert mutation_input_problems(schema()) == []


def test_page_info_is_the_relay_page_info() -> None:
    page_info = schema().type_map["PageInfo"]

    assert isinstance(page_info, GraphQLObjectType)
    assert {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"} <= set(page_info.fields)


def test_no_type_is_named_as_if_it_were_a_relay_connection() -> None:
    assert "Connection" not in schema().type_map


def test_the_checks_name_what_breaks_the_shape() -> None:
    broken = build_schema(
        """
        type Query { items(limit: Int): [Item!]!  things: ThingConnection! }
        type Item { id: ID! }
        type ThingConnection { edges: [Item!]! }
        type Mutation { grantPoints(input: PointsInput!): Item  closeProbe(probeId: ID!): Item }
        input PointsInput { n: Int }
        """
    )

    assert connection_shape_problems(broken) == ["ThingConnection lacks ['nodes', 'pageInfo']"]
    assert paging_problems(broken) == [
        "Query.items pages by limit",
        "Query.items is a paged plain list",
        "Query.things returns a connection without first/after",
    ]
    assert mutation_input_problems(broken) == [
        "grantPoints(input) should take input: GrantPointsInput",
        "closeProbe(probeId) should take input: CloseProbeInput",
    ]
