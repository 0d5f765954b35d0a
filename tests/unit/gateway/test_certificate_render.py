"""Certificates drawn in Chinese and Latin: the fonts cover every character, the PNG shows the name, the PDF
embeds the font and keeps the text extractable."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from gateway.public.certificate_render import CertificateFace, font_path, render_pdf, render_png, wrap
from tests.support.certificates import CHINESE_ACHIEVEMENT, CHINESE_NAME

FACE = CertificateFace(
    recipient_name=CHINESE_NAME,
    achievement_name=CHINESE_ACHIEVEMENT,
    description="21 days up before 6:30. 每天六点半前起床打卡。",
    issuer_name="晨读会 Morning Readers",
    issued_on="2026-03-02",
    serial="7K3M-Q9XD-2B4R-HT6W",
    url="https://guild.example/certificates/7K3M-Q9XD-2B4R-HT6W",
)
# Every text the certificate may draw: names in both scripts, and its own labels.
TEXTS = [
    CHINESE_NAME,
    CHINESE_ACHIEVEMENT,
    "Zoë Åkesson-Müller",
    "证书 · CERTIFICATE",
    "兹证明",
    "颁发 编号 扫码验证 已撤销",
]


@pytest.mark.parametrize("style", ["serif", "sans"])
def test_the_fonts_have_a_glyph_for_every_character_no_tofu(style: str) -> None:
    cmap = TTFont(font_path(style)).getBestCmap()

    missing = {char for text in TEXTS for char in text if not char.isspace() and ord(char) not in cmap}

    assert missing == set()


def test_the_png_draws_the_name_in_ink() -> None:
    with_name = Image.open(io.BytesIO(render_png(FACE))).convert("L")
    without = Image.open(io.BytesIO(render_png(CertificateFace(**{**FACE.__dict__, "recipient_name": " "})))).convert(
        "L"
    )
    band = (300, 300, 1300, 440)  # where the name goes

    dark_with = sum(with_name.crop(band).histogram()[:100])
    dark_without = sum(without.crop(band).histogram()[:100])

    assert with_name.size == (1600, 1131)
    assert dark_with > 2000 and dark_without == 0


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def test_the_pdf_embeds_the_font_and_maps_its_glyphs_back_to_the_chinese_text() -> None:
    pdf = render_pdf(FACE)
    cmaps = b"".join(s for s in _streams(pdf) if b"beginbfchar" in s or b"beginbfrange" in s)

    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile" in pdf and b"NotoSerifSC" in pdf
    for char in CHINESE_NAME:
        assert f"<{ord(char):04X}>".encode() in cmaps


def test_chinese_wraps_between_characters_and_latin_between_words() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    assert wrap("一二三四五六", 4, measure) == ["一二三四", "五六"]
    assert wrap("early riser wins", 11, measure) == ["early riser", "wins"]
