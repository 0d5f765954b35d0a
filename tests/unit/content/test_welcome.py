"""Welcome templates (services/content/domain/welcome.py)."""

from __future__ import annotations

import pytest

from services.content.domain.welcome import (
    BODY_MAX_LENGTH,
    default_body,
    for_group,
    placeholders_in,
    render,
    validate_batch_window,
    validate_body,
)


@pytest.mark.parametrize("name", ["Readers {club}", "{names}", "}{", "{0}", "{{literal}}", "50% {off"])
def test_the_default_body_renders_a_name_with_braces_literally(name: str) -> None:
    body = default_body(name)

    greeting = render(body, names=["Ana"], community="ignored")

    assert f"to {name}!" in greeting
    assert greeting.startswith("Welcome Ana to ")


@pytest.mark.parametrize("name", ["Readers {club}", "{rules_link}", "Morning Readers"])
def test_the_default_body_is_itself_a_valid_template(name: str) -> None:
    body = default_body(name)

    assert validate_body(body) == body
    assert placeholders_in(body) == {"names"}


@pytest.mark.parametrize(
    "body",
    [
        "Welcome {names} to {community}! Read {rules_link}.",
        "Hello {names}",
        "No placeholders at all",
        "Braces are {{fine}} when doubled, {names}",
    ],
)
def test_a_body_using_known_placeholders_is_accepted(body: str) -> None:
    assert validate_body(body) == body


def test_a_body_is_stripped() -> None:
    assert validate_body("  Hello {names}\n") == "Hello {names}"


@pytest.mark.parametrize("body", ["Welcome {name}!", "Hi {names}, pay {price}", "{0}"])
def test_an_unknown_placeholder_is_refused(body: str) -> None:
    with pytest.raises(ValueError, match="unknown placeholders"):
        validate_body(body)


def test_the_refusal_names_the_unknown_placeholder_and_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"\['price'\]") as raised:
        validate_body("Hi {names}, pay {price}")

    assert "['community', 'names', 'rules_link']" in str(raised.value)


@pytest.mark.parametrize("body", ["", "   ", "\n\t"])
def test_an_empty_body_is_refused(body: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        validate_body(body)


@pytest.mark.parametrize("body", ["Welcome {names", "Welcome names}"])
def test_a_body_with_unbalanced_braces_is_refused(body: str) -> None:
    with pytest.raises(ValueError, match="not a valid template"):
        validate_body(body)


def test_a_body_over_the_maximum_length_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at most {BODY_MAX_LENGTH} characters"):
        validate_body("x" * (BODY_MAX_LENGTH + 1))


def test_render_joins_the_names_of_everyone_in_the_batch() -> None:
    body = "Welcome {names} to {community}! Rules: {rules_link}"

    greeting = render(body, names=["Ana", "Bo", "Chen"], community="Morning Readers", rules_link="https://x.test/r")

    assert greeting == "Welcome Ana, Bo, Chen to Morning Readers! Rules: https://x.test/r"


def test_render_with_one_name_has_no_separator() -> None:
    greeting = render("Welcome {names}!", names=["Ana"], community="Morning Readers")

    assert greeting == "Welcome Ana!"


def test_render_leaves_braces_in_names_alone() -> None:
    greeting = render("Welcome {names}!", names=["{community}"], community="Morning Readers")

    assert greeting == "Welcome {community}!"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("Hi {}", id="positional-field"),
        pytest.param("Hi {names:{price}}", id="unknown-field-nested-in-a-format-spec"),
        pytest.param("Hi {names:d}", id="format-spec-not-for-text"),
        pytest.param("Hi {names:>999999999}", id="padding-to-a-gigabyte"),
        pytest.param("Hi {names!r}", id="conversion"),
    ],
)
def test_a_body_that_render_could_not_handle_is_refused_up_front(body: str) -> None:
    with pytest.raises(ValueError, match="placeholder"):
        validate_body(body)


def test_a_group_override_replaces_only_what_it_sets() -> None:
    assert for_group("Hi", 60, override_body=None, override_window=None) == ("Hi", 60)
    assert for_group("Hi", 60, override_body="你好", override_window=None) == ("你好", 60)
    assert for_group("Hi", 60, override_body=None, override_window=0) == ("Hi", 0), "0 is a window, not unset"


def test_a_batch_window_is_between_zero_and_an_hour() -> None:
    assert [validate_batch_window(s) is None for s in (-1, 0, 3600, 3601)] == [False, True, True, False]
