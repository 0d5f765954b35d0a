"""Everything an integrator meets in GraphiQL says what it is: every type, field, argument, input field and enum
value of the schema has a description (``./scripts/schema-descriptions`` lists any that do not)."""

from __future__ import annotations

from graphql import build_schema

from gateway.schema.glossary import describe_common, noun_of
from gateway.schema.root import create_schema
from tests.support.schema_descriptions import elements, undescribed


def test_everything_in_the_schema_has_a_description() -> None:
    missing = undescribed(create_schema()._schema)

    assert missing == [], f"{len(missing)} without a description; ./scripts/schema-descriptions lists them"


def test_the_count_finds_each_kind_of_element_without_a_description() -> None:
    schema = build_schema(
        '''
        """A thing."""
        type Query { """Read one.""" thing(id: ID!): Thing  things: [Thing!]! }
        type Thing { name: String }
        enum Colour { RED """Green.""" GREEN }
        input ThingInput { name: String }
        '''
    )

    assert undescribed(schema) == [
        "Colour",
        "Colour.RED",
        "Query.thing(id)",
        "Query.things",
        "Thing",
        "Thing.name",
        "ThingInput",
        "ThingInput.name",
    ]
    assert len(elements(schema)) == 11


def test_the_glossary_fills_only_what_a_module_left_undescribed() -> None:
    schema = build_schema(
        '''
        type Query { tier(communityId: ID!, id: ID!): ChallengeEnrollment }
        type ChallengeEnrollment { id: ID!  """Its own words.""" communityId: ID! }
        type Mutation { grantPoints(input: GrantPointsInput!): GrantPointsPayload }
        input GrantPointsInput { idempotencyKey: String }
        type Posted { id: ID! }
        union GrantPointsPayload = Posted
        '''
    )

    describe_common(schema)

    enrollment = schema.type_map["ChallengeEnrollment"]
    assert enrollment.fields["id"].description == "The challenge enrollment's id."  # type: ignore[attr-defined]
    assert enrollment.fields["communityId"].description == "Its own words."  # type: ignore[attr-defined]
    assert schema.type_map["GrantPointsInput"].description == "What `grantPoints` takes."
    assert (schema.type_map["GrantPointsPayload"].description or "").startswith("What `grantPoints` answers")
    assert noun_of("SurpriseDraw") == "surprise draw"
