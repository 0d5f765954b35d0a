# ruff: noqa: RUF001 - Chinese chat text has full-width punctuation
"""Spam detection rules (services/membership/domain/spam.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.membership.domain.spam import (
    DEFAULT_KEYWORDS,
    MAX_RECENT,
    Recent,
    SettingError,
    SpamSettings,
    clean_spam_settings,
    find_keywords,
    find_links,
    find_wechat_ids,
    inspect,
    is_newcomer,
    text_digest,
)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        pytest.param("https://example.org/a?b=1", ["https://example.org/a?b=1"], id="scheme"),
        pytest.param("HTTP://EXAMPLE.COM", ["HTTP://EXAMPLE.COM"], id="scheme-upper"),
        pytest.param("go to www.abc.com/x now", ["www.abc.com/x"], id="www"),
        pytest.param("example.com", ["example.com"], id="bare"),
        pytest.param("Visit example.com.", ["example.com"], id="sentence-end"),
        pytest.param("t.me/joinchat/AAAA", ["t.me/joinchat/AAAA"], id="telegram-invite"),
        pytest.param("join t.me/spam_channel", ["t.me/spam_channel"], id="telegram-channel"),
        pytest.param("discord.gg/abc", ["discord.gg/abc"], id="discord-invite"),
        pytest.param("看这里www.abc.cn领取", ["www.abc.cn"], id="inside-chinese"),
        pytest.param("点击abc。com", ["abc.com"], id="ideographic-full-stop"),
        pytest.param("ｗｗｗ．ａｂｃ．ｃｏｍ", ["www.abc.com"], id="full-width"),
        pytest.param("shop.xyz/deal and https://a.io", ["https://a.io", "shop.xyz/deal"], id="two"),
        pytest.param("bit.ly/3xYz", ["bit.ly/3xYz"], id="shortener"),
    ],
)
def test_links_are_found_with_or_without_a_scheme(text: str, links: list[str]) -> None:
    assert find_links(text) == links


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("e.g. this, i.e. that", id="abbreviations"),
        pytest.param("pi is 3.14 and v1.2.3", id="numbers"),
        pytest.param("mail me at li@example.com", id="email"),
        pytest.param("hello.world and foo.bar", id="unknown-tld"),
        pytest.param("今天打卡完成。明天继续", id="chinese-sentence"),
        pytest.param("file.txt and notes.md", id="file-names"),
        pytest.param("", id="empty"),
    ],
)
def test_ordinary_text_has_no_links(text: str) -> None:
    assert find_links(text) == []


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        pytest.param("加微信abc_123456", ["abc_123456"], id="no-colon"),
        pytest.param("微信号：lilei888", ["lilei888"], id="full-width-colon"),
        pytest.param("威信: sale-2024x", ["sale-2024x"], id="look-alike"),
        pytest.param("加V：vip88888", ["vip88888"], id="jia-v"),
        pytest.param("VX：sale8888x", ["sale8888x"], id="vx-colon"),
        pytest.param("ＶＸ sale8888", ["sale8888"], id="full-width-vx"),
        pytest.param("wx: lileiabc", ["lileiabc"], id="wx-colon-letters"),
        pytest.param("wechat id: foo_bar1", ["foo_bar1"], id="wechat-id"),
    ],
)
def test_wechat_ids_offered_for_contact_are_found(text: str, ids: list[str]) -> None:
    assert find_wechat_ids(text) == ids


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("I use wechat because it is handy", id="the-word-wechat"),
        pytest.param("wxpython rocks", id="wx-prefix"),
        pytest.param("微信群里见", id="mention-of-wechat"),
        pytest.param("version control", id="v-word"),
        pytest.param("加微信ab1", id="too-short"),
    ],
)
def test_talk_about_wechat_is_not_a_wechat_id(text: str) -> None:
    assert find_wechat_ids(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("日赚500元", ["日赚"], id="chinese"),
        pytest.param("加 微 信 了解详情", ["加微信"], id="spaced-chinese"),
        pytest.param("兼职刷单，日结", ["兼职", "刷单", "日结"], id="several"),
        pytest.param("EARN MONEY FAST today", ["earn money fast"], id="latin-case"),
        pytest.param("earn   money\nfast", ["earn money fast"], id="latin-whitespace"),
        pytest.param("Big Casino bonus", ["casino"], id="latin-word"),
        pytest.param("今天读完了第三章", [], id="nothing"),
    ],
)
def test_ad_keywords_are_found_in_chinese_and_latin(text: str, found: list[str]) -> None:
    assert find_keywords(text, DEFAULT_KEYWORDS) == found


def test_latin_keywords_do_not_match_across_words() -> None:
    assert find_keywords("we learn money management", ("earn money",)) == []
    assert find_keywords("we learn money management", ("learn money",)) == ["learn money"]


def test_keywords_are_a_setting() -> None:
    settings = clean_spam_settings({"keywords": ["  Promo  ", "特价", "promo"]})

    assert settings.keywords == ("promo", "特价")
    assert find_keywords("PROMO! 特 价", settings.keywords) == ["promo", "特价"]


def test_the_same_words_have_the_same_digest_however_written() -> None:
    assert text_digest("Buy NOW!") == text_digest("  buy   now! ") == text_digest("ＢＵＹ ＮＯＷ!")
    assert text_digest("buy now") != text_digest("buy now!")
    assert text_digest("   ") is None


AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = SpamSettings()


@pytest.mark.parametrize(
    ("earlier", "joined", "newcomer"),
    [
        pytest.param(0, AT - timedelta(days=100), True, id="few-messages"),
        pytest.param(4, AT - timedelta(days=100), True, id="one-below-the-count"),
        pytest.param(5, AT - timedelta(days=3), False, id="enough-of-both"),
        pytest.param(500, AT - timedelta(days=2, hours=23), True, id="joined-recently"),
        pytest.param(500, None, True, id="never-joined"),
    ],
)
def test_a_newcomer_has_few_messages_or_joined_recently(earlier: int, joined: datetime | None, newcomer: bool) -> None:
    assert is_newcomer(earlier_messages=earlier, joined_at=joined, at=AT, settings=SETTINGS) is newcomer


def test_only_newcomers_are_checked_for_links_and_keywords() -> None:
    text = "日赚500 加微信 abc_123456 www.spam.cn"

    as_newcomer = inspect(text, at=0, newcomer=True, recent=Recent(), settings=SETTINGS)
    as_regular = inspect(text, at=0, newcomer=False, recent=Recent(), settings=SETTINGS)

    assert [f.heuristic for f in as_newcomer.findings] == ["link", "ad_keyword"]
    assert "www.spam.cn" in as_newcomer.findings[0].detail and "abc_123456" in as_newcomer.findings[0].detail
    assert as_regular.findings == []


def run(texts: list[tuple[float, str]], settings: SpamSettings, *, counts: bool = True) -> list[list[str]]:
    recent = Recent()
    found = []
    for at, text in texts:
        verdict = inspect(text, at=at, newcomer=False, recent=recent, settings=settings, counts=counts)
        recent = verdict.recent
        found.append([finding.heuristic for finding in verdict.findings])
    return found


def test_more_than_n_messages_in_m_seconds_is_a_flood_once_per_burst() -> None:
    settings = SpamSettings(flood_messages=3, flood_seconds=10)

    found = run([(second, f"m{second}") for second in (0, 1, 2, 3, 4, 5, 30, 31, 32, 33)], settings)

    assert found == [[], [], [], ["flood"], [], [], [], [], [], ["flood"]]


def test_the_rest_of_a_burst_is_spam_without_another_strike() -> None:
    settings = SpamSettings(flood_messages=2, flood_seconds=10, repeat_count=2, repeat_seconds=60)
    recent, verdicts = Recent(), []
    for at, text in [(0, "a"), (1, "b"), (2, "c"), (3, "c"), (4, "c"), (30, "d"), (200, "e")]:
        verdict = inspect(text, at=at, newcomer=False, recent=recent, settings=settings)
        recent = verdict.recent
        verdicts.append(([f.heuristic for f in verdict.findings], verdict.spam))

    assert verdicts == [
        ([], ()),
        ([], ()),
        (["flood"], ("flood",)),
        (["repeat"], ("flood", "repeat")),  # the flood's strike was taken; the repeat's is new
        ([], ("flood", "repeat")),
        ([], ()),
        ([], ()),
    ]


def test_content_findings_are_spam_and_edits_of_clean_text_are_not() -> None:
    spam = inspect("加微信 abc_123456", at=0, newcomer=True, recent=Recent(), settings=SETTINGS)
    clean_edit = inspect("fixed a typo", at=1, newcomer=True, recent=spam.recent, settings=SETTINGS, counts=False)

    assert spam.spam == ("link", "ad_keyword")
    assert clean_edit.spam == ()


def test_messages_spread_out_are_no_flood() -> None:
    settings = SpamSettings(flood_messages=3, flood_seconds=10)

    assert run([(second * 4, f"m{second}") for second in range(10)], settings) == [[]] * 10


def test_the_same_text_k_times_in_the_window_is_a_repeat() -> None:
    settings = SpamSettings(repeat_count=3, repeat_seconds=60, flood_messages=100)

    found = run(
        [(0, "hi"), (10, "other"), (20, "HI"), (30, "hi"), (40, "hi"), (200, "hi"), (210, "x"), (220, "hi")], settings
    )

    assert found == [[], [], [], ["repeat"], [], [], [], []]


def test_repeats_of_different_texts_are_struck_separately() -> None:
    settings = SpamSettings(repeat_count=2, repeat_seconds=60, flood_messages=100)

    assert run([(0, "a"), (1, "a"), (2, "b"), (3, "b"), (4, "a")], settings) == [[], ["repeat"], [], ["repeat"], []]


def test_empty_texts_never_repeat() -> None:
    settings = SpamSettings(repeat_count=2, flood_messages=100)

    assert run([(0, ""), (1, " "), (2, "")], settings) == [[], [], []]


def test_edits_are_checked_but_not_counted() -> None:
    settings = SpamSettings(flood_messages=1, flood_seconds=10)
    recent = Recent(messages=((0.0, None),))

    verdict = inspect("www.spam.cn", at=1, newcomer=True, recent=recent, settings=settings, counts=False)

    assert [f.heuristic for f in verdict.findings] == ["link"]
    assert verdict.recent == recent


def test_the_record_keeps_only_the_window_and_a_bounded_number_of_messages() -> None:
    settings = SpamSettings(flood_messages=100, flood_seconds=10, repeat_seconds=60, repeat_count=100)
    recent = Recent()
    for second in range(MAX_RECENT + 50):
        recent = inspect(str(second), at=second / 10, newcomer=False, recent=recent, settings=settings).recent
    late = inspect("x", at=10_000, newcomer=False, recent=recent, settings=settings).recent

    assert len(recent.messages) == MAX_RECENT
    assert [at for at, _ in late.messages] == [10_000.0]
    assert Recent.from_document(late.document()) == late


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        pytest.param({"flood_messages": 0}, "spam.flood_messages", id="too-low"),
        pytest.param({"repeat_seconds": 10**9}, "spam.repeat_seconds", id="too-high"),
        pytest.param({"newcomer_days": "3"}, "spam.newcomer_days", id="text"),
        pytest.param({"flood_seconds": True}, "spam.flood_seconds", id="bool"),
        pytest.param({"enabled": "yes"}, "spam.enabled", id="enabled"),
        pytest.param({"keywords": "spam"}, "spam.keywords", id="keywords-not-a-list"),
        pytest.param({"keywords": ["ok", "  "]}, "spam.keywords.1", id="empty-keyword"),
        pytest.param({"keywords": ["x" * 51]}, "spam.keywords.0", id="long-keyword"),
        pytest.param({"flood": 3}, "spam.flood", id="unknown"),
        pytest.param([], "spam", id="not-an-object"),
    ],
)
def test_bad_spam_settings_name_the_field(raw: object, field: str) -> None:
    with pytest.raises(SettingError) as error:
        clean_spam_settings(raw)

    assert error.value.field == field


def test_spam_settings_change_only_the_fields_given() -> None:
    base = SpamSettings(flood_messages=5)

    changed = clean_spam_settings({"repeat_count": 4}, base=base)

    assert (changed.flood_messages, changed.repeat_count, changed.keywords) == (5, 4, DEFAULT_KEYWORDS)
