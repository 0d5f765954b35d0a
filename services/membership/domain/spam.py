"""Spam heuristics on chat messages: pure rules, no I/O.

Four heuristics, each a violation of its own:

- ``link``: a newcomer posts a URL (with or without a scheme, ``t.me/...`` invites included) or a WeChat id;
- ``ad_keyword``: a newcomer posts one of the community's ad keywords (Chinese or Latin);
- ``flood``: anyone sends more than N messages in M seconds;
- ``repeat``: anyone sends the same text K times within a window.

Flood and repeat look at a small rolling record of the member's recent messages (``Recent``), which the
caller loads before and stores after each message; ``inspect`` returns the findings and the new record.

A finding is a strike; ``Verdict.spam`` also names a heuristic that the message trips while an earlier
message of the same burst already took the strike (the tenth message of a flood): it is spam all the same,
and earns nothing (ADR 0035), but one burst still makes one strike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

DEFAULT_KEYWORDS = (
    # Chinese: contact me, part-time, order brushing, daily earnings, free gifts, agents, gambling, loans.
    "加微信",
    "加我微信",
    "私聊我",
    "兼职",
    "刷单",
    "日赚",
    "日结",
    "躺赚",
    "免费领取",
    "代理加盟",
    "招代理",
    "博彩",
    "彩票",
    "贷款",
    "网赚",
    "优惠券",
    # Latin
    "earn money fast",
    "work from home",
    "crypto giveaway",
    "investment opportunity",
    "guaranteed profit",
    "casino",
    "promo code",
    "dm me for",
)

MAX_KEYWORDS = 200
KEYWORD_MAX_LENGTH = 50
# The rolling record holds at most this many messages, whatever the thresholds, so a row stays small.
MAX_RECENT = 200

HEURISTICS = ("link", "ad_keyword", "flood", "repeat")


@dataclass(frozen=True)
class SpamSettings:
    """A community's spam thresholds; every number is a setting with this default."""

    enabled: bool = True
    # A newcomer has fewer than ``newcomer_messages`` earlier messages or joined less than ``newcomer_days`` ago.
    newcomer_messages: int = 5
    newcomer_days: int = 3
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    # More than ``flood_messages`` messages within ``flood_seconds``.
    flood_messages: int = 8
    flood_seconds: int = 10
    # The same text ``repeat_count`` times within ``repeat_seconds``.
    repeat_count: int = 3
    repeat_seconds: int = 600

    @property
    def window_seconds(self) -> int:
        return max(self.flood_seconds, self.repeat_seconds)


# field → (lowest, highest) for the numeric settings
SPAM_LIMITS: dict[str, tuple[int, int]] = {
    "newcomer_messages": (0, 10_000),
    "newcomer_days": (0, 365),
    "flood_messages": (1, 100),
    "flood_seconds": (1, 3_600),
    "repeat_count": (2, 100),
    "repeat_seconds": (1, 86_400),
}


class SettingError(ValueError):
    """A setting that is not acceptable: ``field`` names it (dotted), ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def clean_keywords(values: Any, *, field: str = "keywords") -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise SettingError(field, "must be a list of text")
    if len(values) > MAX_KEYWORDS:
        raise SettingError(field, f"at most {MAX_KEYWORDS} keywords")
    cleaned: list[str] = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise SettingError(f"{field}.{index}", "must be text")
        keyword = normalize_text(value)
        if not keyword:
            raise SettingError(f"{field}.{index}", "must not be empty")
        if len(keyword) > KEYWORD_MAX_LENGTH:
            raise SettingError(f"{field}.{index}", f"must be at most {KEYWORD_MAX_LENGTH} characters")
        if keyword not in cleaned:
            cleaned.append(keyword)
    return tuple(cleaned)


def clean_spam_settings(raw: Any, *, base: SpamSettings | None = None, field: str = "spam") -> SpamSettings:
    """``base`` with the given fields replaced; a wrong field raises ``SettingError`` naming it."""
    settings = base or SpamSettings()
    if not isinstance(raw, dict):
        raise SettingError(field, "must be an object")
    changes: dict[str, Any] = {}
    for name, value in raw.items():
        path = f"{field}.{name}"
        if name == "enabled":
            if not isinstance(value, bool):
                raise SettingError(path, "must be true or false")
            changes[name] = value
        elif name == "keywords":
            changes[name] = clean_keywords(value, field=path)
        elif name in SPAM_LIMITS:
            low, high = SPAM_LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise SettingError(path, "must be a whole number")
            if not low <= value <= high:
                raise SettingError(path, f"must be between {low} and {high}")
            changes[name] = value
        else:
            raise SettingError(path, f"is not a spam setting (known: enabled, keywords, {', '.join(SPAM_LIMITS)})")
    return replace(settings, **changes)


def spam_document(settings: SpamSettings) -> dict[str, Any]:
    return {
        "enabled": settings.enabled,
        "newcomer_messages": settings.newcomer_messages,
        "newcomer_days": settings.newcomer_days,
        "keywords": list(settings.keywords),
        "flood_messages": settings.flood_messages,
        "flood_seconds": settings.flood_seconds,
        "repeat_count": settings.repeat_count,
        "repeat_seconds": settings.repeat_seconds,
    }


# --- reading text ---------------------------------------------------------------------------------------

# After NFKC (which folds full-width dots and colons), only the ideographic full stop is left to fold.
_FULL_STOPS = str.maketrans({"。": "."})


def normalize_text(text: str) -> str:
    """Full-width forms folded (NFKC), case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_TLDS = (
    "com|net|org|info|biz|io|co|me|cn|hk|tw|sg|jp|kr|ru|uk|de|us|xyz|top|vip|club|site|online|shop|store|app|dev"
    "|link|live|life|fun|icu|cc|tv|ly|gg|ai|im|to|tk|ml|ga|cf|pw|ws|win|bid|loan|work|ink|wang|tech|pro|asia"
)
_SCHEME_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"']+", re.IGNORECASE)
# A bare host such as www.example.com or abc.xyz/promo, not preceded by letters, digits, @ or a dot
# (so e-mail addresses and the middle of words do not count), and ending in a known top-level domain.
_BARE_URL = re.compile(
    rf"(?<![a-z0-9@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})(?![a-z0-9\-])(?:[/?#:][^\s]*)?",
    re.IGNORECASE,
)
_ID = r"([a-z][a-z0-9_\-]{5,19})(?![a-z0-9_\-])"
_WECHAT_IDS = (
    # 微信 / 加V and look-alikes, with or without a colon: 加微信abc_123456, 微信号: lilei888
    re.compile(rf"(?:微信|威信|薇信|徽信|v信|加v|\+v|\u2795v)\s*(?:号|id)?\s*:?\s*{_ID}"),
    # a Latin mark needs a colon (wx: lilei888) ...
    re.compile(rf"(?<![a-z0-9])(?:wechat|weixin|vx|wx)\s*(?:id|号)?\s*:\s*{_ID}"),
    # ... or an id with a digit in it (vx lilei888), so "wechat because" is not an id
    re.compile(rf"(?<![a-z0-9])(?:wechat|weixin|vx|wx)\s+(?:id\s+)?(?=[a-z0-9_\-]*\d){_ID}"),
)


def find_links(text: str) -> list[str]:
    """URLs in ``text``: with a scheme, ``www.`` or a bare host with a known top-level domain (``t.me/x``)."""
    folded = unicodedata.normalize("NFKC", text).translate(_FULL_STOPS)
    found = [match.group(0) for match in _SCHEME_URL.finditer(folded)]
    rest = _SCHEME_URL.sub(" ", folded)
    found += [match.group(0) for match in _BARE_URL.finditer(rest)]
    return found


def find_wechat_ids(text: str) -> list[str]:
    """WeChat ids offered for contact, such as ``加微信: abc_123456`` or ``VX: sale8888x`` (full-width forms too)."""
    folded = normalize_text(text)
    found: list[str] = []
    for pattern in _WECHAT_IDS:
        found += [match.group(1) for match in pattern.finditer(folded) if match.group(1) not in found]
    return found


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in text)


def find_keywords(text: str, keywords: tuple[str, ...]) -> list[str]:
    """The keywords that occur in ``text``: Chinese ones also when spaced out (``加 微 信``), Latin ones as words."""
    folded = normalize_text(text)
    squeezed = folded.replace(" ", "")
    return [
        keyword for keyword in keywords if (keyword in squeezed if _has_cjk(keyword) else _has_words(folded, keyword))
    ]


def _has_words(folded: str, keyword: str) -> bool:
    """``keyword`` as whole words: "earn money" is not in "learn money"."""
    return re.search(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])", folded) is not None


def text_digest(text: str) -> str | None:
    """A short fingerprint of a message's text, equal for the same words however spaced; None when empty."""
    folded = normalize_text(text)
    if not folded:
        return None
    return hashlib.blake2b(folded.encode(), digest_size=8).hexdigest()


def is_newcomer(*, earlier_messages: int, joined_at: datetime | None, at: datetime, settings: SpamSettings) -> bool:
    if earlier_messages < settings.newcomer_messages:
        return True
    return joined_at is None or at - joined_at < timedelta(days=settings.newcomer_days)


# --- the rolling record and the verdict -----------------------------------------------------------------


@dataclass(frozen=True)
class Recent:
    """A member's recent messages as (seconds since epoch, text digest), oldest first, and when each
    heuristic last fired (``flood``, ``repeat:<digest>``) so one burst makes one strike, not one per message."""

    messages: tuple[tuple[float, str | None], ...] = ()
    fired: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: dict[str, Any] | None) -> Recent:
        if not document:
            return cls()
        messages = tuple((float(at), digest) for at, digest in document.get("messages", []))
        return cls(messages=messages, fired={str(k): float(v) for k, v in document.get("fired", {}).items()})

    def document(self) -> dict[str, Any]:
        return {"messages": [[at, digest] for at, digest in self.messages], "fired": dict(self.fired)}


@dataclass(frozen=True)
class Finding:
    heuristic: str
    detail: str


@dataclass(frozen=True)
class Verdict:
    findings: list[Finding]
    recent: Recent
    # Every heuristic the message trips, struck now or already struck for its burst, in ``HEURISTICS`` order.
    spam: tuple[str, ...] = ()


def inspect(
    text: str,
    *,
    at: float,
    newcomer: bool,
    recent: Recent,
    settings: SpamSettings,
    counts: bool = True,
) -> Verdict:
    """What is wrong with a message sent at ``at`` (epoch seconds). ``counts`` is False for an edit of an
    earlier message: its content is checked, but it is not another message for flood and repeat."""
    findings: list[Finding] = []
    if newcomer:
        findings += _content_findings(text, settings)
    if not counts:
        return Verdict(findings, recent, _spam_of(findings, ()))
    digest = text_digest(text)
    messages = (*recent.messages, (at, digest))
    fired = dict(recent.fired)
    tripped: list[str] = []
    in_flood = [m for m in messages if m[0] > at - settings.flood_seconds]
    if len(in_flood) > settings.flood_messages:
        tripped.append("flood")
        if not _fired_within(fired, "flood", at, settings.flood_seconds):
            findings.append(Finding("flood", f"{len(in_flood)} messages within {settings.flood_seconds} seconds"))
            fired["flood"] = at
    if digest is not None:
        same = [m for m in messages if m[1] == digest and m[0] > at - settings.repeat_seconds]
        key = f"repeat:{digest}"
        if len(same) >= settings.repeat_count:
            tripped.append("repeat")
            if not _fired_within(fired, key, at, settings.repeat_seconds):
                findings.append(
                    Finding("repeat", f"the same text {len(same)} times within {settings.repeat_seconds} s")
                )
                fired[key] = at
    horizon = at - settings.window_seconds
    kept = tuple(m for m in messages if m[0] > horizon)[-MAX_RECENT:]
    fired = {key: when for key, when in fired.items() if when > horizon}
    return Verdict(findings, Recent(messages=kept, fired=fired), _spam_of(findings, tripped))


def _spam_of(findings: list[Finding], tripped: Sequence[str]) -> tuple[str, ...]:
    names = {finding.heuristic for finding in findings} | set(tripped)
    return tuple(name for name in HEURISTICS if name in names)


def _content_findings(text: str, settings: SpamSettings) -> list[Finding]:
    findings: list[Finding] = []
    links = find_links(text)
    wechat = find_wechat_ids(text)
    if links or wechat:
        shown = ", ".join([*links, *(f"WeChat {w}" for w in wechat)][:3])
        findings.append(Finding("link", f"a newcomer posted contact links: {shown}"))
    keywords = find_keywords(text, settings.keywords)
    if keywords:
        findings.append(Finding("ad_keyword", f"a newcomer posted ad keywords: {', '.join(keywords[:3])}"))
    return findings


def _fired_within(fired: dict[str, float], key: str, at: float, seconds: int) -> bool:
    when = fired.get(key)
    return when is not None and when > at - seconds
