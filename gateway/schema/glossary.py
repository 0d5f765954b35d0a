"""The descriptions every part of the schema would otherwise write again: what an id, a community, an acting member,
an idempotency key, a page or a payload is. Given once here, they fill in where a type, field or argument says
nothing of its own, so the same word means the same thing everywhere an integrator reads it; anything a module
describes itself keeps its own words."""

from __future__ import annotations

import re

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

IDEMPOTENCY = (
    "Any 1 to 255 characters you choose for this attempt; retrying with the same key answers what the first "
    "attempt did and changes nothing twice."
)
ACTING_MEMBER = (
    "The member this is done on behalf of: their role in the community must allow it, and they are recorded as "
    "the actor. Left out, the API key acts on its own authority."
)

# Fields of an object type: {noun} is the type's name in words ("ChallengeEnrollment" → "challenge enrollment").
OUTPUT_FIELDS = {
    "id": "The {noun}'s id.",
    "communityId": "The community the {noun} belongs to.",
    "memberId": "The member the {noun} is about.",
    "createdAt": "When the {noun} was created.",
    "updatedAt": "When the {noun} last changed.",
}
# Arguments that filter when given: said differently when left out means "all".
FILTERS = {
    "memberId": "Only what concerns this member; left out, every member's.",
}
# Fields of an input type: {mutation} is the mutation the input is for, when there is one.
INPUT_FIELDS = {
    "communityId": "The community to act in.",
    "actingMemberId": ACTING_MEMBER,
    "idempotencyKey": IDEMPOTENCY,
    "memberId": "The member to act on.",
}
ARGUMENTS = {
    "input": "What `{field}` takes.",
    "communityId": "The community to read in.",
    "id": "The id of the {noun} to read.",
    "memberId": "The member it is about.",
    "first": "How many items to return (the page size), from the start or after `after`.",
    "after": "Return the items after this cursor: an edge's `cursor`, or `pageInfo.endCursor` of the last page.",
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def describe_common(schema: GraphQLSchema) -> None:
    """Fill the shared descriptions into ``schema`` where its own say nothing."""
    mutations = schema.mutation_type.fields if schema.mutation_type else {}
    input_of = {get_named_type(f.args["input"].type).name: name for name, f in mutations.items() if "input" in f.args}
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType):
            for field_name, field in named.fields.items():
                _fill(field, OUTPUT_FIELDS.get(field_name), noun=noun_of(name))
                for arg_name, arg in field.args.items():
                    optional = not isinstance(arg.type, GraphQLNonNull)
                    said = (FILTERS.get(arg_name) if optional else None) or ARGUMENTS.get(arg_name)
                    _fill(arg, said, noun=noun_of(get_named_type(field.type).name), field=field_name)
        elif isinstance(named, GraphQLInputObjectType):
            mutation = input_of.get(name)
            if mutation is not None and not named.description:
                named.description = f"What `{mutation}` takes."
            for field_name, input_field in named.fields.items():
                _fill(input_field, INPUT_FIELDS.get(field_name))
        elif isinstance(named, GraphQLUnionType) and name.endswith("Payload") and not named.description:
            mutation = name.removesuffix("Payload")
            named.description = (
                f"What `{mutation[0].lower()}{mutation[1:]}` answers: its success, or the user error that refused "
                "it (`code` says why; `InvalidInputError.fields` name the fields)."
            )


def noun_of(type_name: str) -> str:
    """A type's name in words: ``ChallengeEnrollment`` → ``challenge enrollment``."""
    return _CAMEL.sub(" ", type_name).lower()


def _fill(
    element: GraphQLField | GraphQLArgument | GraphQLInputField,
    template: str | None,
    *,
    noun: str = "",
    field: str = "",
) -> None:
    if template is not None and not element.description:
        element.description = template.format(noun=noun, field=field)
