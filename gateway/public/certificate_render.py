"""A certificate drawn as PNG (Pillow) and PDF (fpdf2), in Chinese as well as Latin scripts.

Both are set in Noto Serif SC and Noto Sans SC, which the ``pylopdf-fonts-zh-cn`` package ships (SIL OFL):
they cover Simplified Chinese and Latin, so a name like 张三丰 or Zoë Åkesson never turns into tofu. The PDF
embeds a subset of the font, so its text stays selectable and searchable. A QR code leads to the public
verification page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn as fonts
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from kit.qr import qr_png

PNG_MEDIA_TYPE = "image/png"
PDF_MEDIA_TYPE = "application/pdf"
INK = (38, 38, 58)
GOLD = (176, 141, 67)
MUTED = (110, 110, 125)
PAPER = (253, 250, 242)
REVOKED = (190, 30, 45)


class FontMissing(RuntimeError):
    """The font package is installed without its font files."""


@cache
def font_path(style: str) -> Path:
    """``serif`` or ``sans``: the font file of that style, from the installed font package."""
    path = Path(fonts.serif_path() if style == "serif" else fonts.sans_path())
    if not path.is_file():  # pragma: no cover - a broken install
        raise FontMissing(f"font file {path} is missing: reinstall pylopdf-fonts-zh-cn")
    return path


@dataclass(frozen=True)
class CertificateFace:
    """What a certificate shows."""

    recipient_name: str
    achievement_name: str
    description: str
    issuer_name: str
    issued_on: str  # YYYY-MM-DD
    serial: str
    url: str
    revoked: bool = False


def _tokens(text: str) -> list[str]:
    """Words of Latin text, single characters of CJK text: the places a line may break."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isspace():
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" ")
        elif ord(char) >= 0x2E80:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy lines of ``text`` no wider than ``width`` as ``measure`` sees them."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if line.strip() and measure(candidate.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


# PNG: A4 landscape at about 136 dpi.
WIDTH, HEIGHT = 1600, 1131


def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size)


def _fitting(draw: ImageDraw.ImageDraw, text: str, style: str, size: int, width: int) -> ImageFont.FreeTypeFont:
    font = _font(style, size)
    while size > 24 and draw.textlength(text, font=font) > width:
        size -= 4
        font = _font(style, size)
    return font


def render_png(face: CertificateFace) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=GOLD, width=8)
    draw.rectangle((54, 54, WIDTH - 54, HEIGHT - 54), outline=GOLD, width=2)
    middle = WIDTH // 2
    draw.text((middle, 150), "证书 · CERTIFICATE", font=_font("serif", 64), fill=GOLD, anchor="mm")
    draw.text((middle, 250), "兹证明 · This certifies that", font=_font("sans", 32), fill=MUTED, anchor="mm")
    name_font = _fitting(draw, face.recipient_name, "serif", 112, WIDTH - 300)
    draw.text((middle, 370), face.recipient_name, font=name_font, fill=INK, anchor="mm")
    draw.line((middle - 420, 450, middle + 420, 450), fill=GOLD, width=2)
    achievement_font = _font("serif", 52)
    y = 520
    for line in wrap(face.achievement_name, WIDTH - 360, lambda s: draw.textlength(s, font=achievement_font))[:2]:
        draw.text((middle, y), line, font=achievement_font, fill=INK, anchor="mm")
        y += 70
    description_font = _font("sans", 28)
    for line in wrap(face.description, WIDTH - 420, lambda s: draw.textlength(s, font=description_font))[:3]:
        draw.text((middle, y + 10), line, font=description_font, fill=MUTED, anchor="mm")
        y += 42
    small = _font("sans", 26)
    draw.text((140, 880), face.issuer_name, font=_fitting(draw, face.issuer_name, "serif", 40, 900), fill=INK)
    draw.line((140, 940, 760, 940), fill=GOLD, width=2)
    draw.text((140, 955), f"颁发 Issued {face.issued_on}", font=small, fill=MUTED)
    draw.text((140, 995), f"编号 Serial {face.serial}", font=small, fill=MUTED)
    qr = Image.open(io.BytesIO(qr_png(face.url, scale=6, border=2))).convert("RGB")
    qr = qr.resize((220, 220), Image.Resampling.NEAREST)
    image.paste(qr, (WIDTH - 140 - 220, 790))
    draw.text((WIDTH - 140 - 110, 1030), "扫码验证 Scan to verify", font=_font("sans", 22), fill=MUTED, anchor="mm")
    if face.revoked:
        draw.text((middle, 690), "已撤销 REVOKED", font=_font("sans", 96), fill=REVOKED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_pdf(face: CertificateFace) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{face.achievement_name} - {face.recipient_name}")
    pdf.set_creator("Guildhall")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.add_font("serif", "", str(font_path("serif")))
    width, height = pdf.w, pdf.h
    pdf.set_fill_color(*PAPER)
    pdf.rect(0, 0, width, height, style="F")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.4)
    pdf.rect(6, 6, width - 12, height - 12)
    pdf.set_line_width(0.4)
    pdf.rect(10, 10, width - 20, height - 20)

    def centred(y: float, text: str, size: float, color: tuple[int, int, int]) -> None:
        pdf.set_font("serif", size=size)
        pdf.set_text_color(*color)
        pdf.set_xy(20, y)
        pdf.cell(w=width - 40, h=size * 0.5, text=text, align="C")

    centred(22, "证书 · CERTIFICATE", 30, GOLD)
    centred(42, "兹证明 · This certifies that", 15, MUTED)
    size = 52.0
    pdf.set_font("serif", size=size)
    while size > 14 and pdf.get_string_width(face.recipient_name) > width - 60:
        size -= 2
        pdf.set_font("serif", size=size)
    centred(56, face.recipient_name, size, INK)
    pdf.line(width / 2 - 80, 86, width / 2 + 80, 86)
    y = 94.0
    pdf.set_font("serif", size=24)
    for line in wrap(face.achievement_name, width - 70, pdf.get_string_width)[:2]:
        centred(y, line, 24, INK)
        y += 13
    pdf.set_font("serif", size=13)
    for line in wrap(face.description, width - 80, pdf.get_string_width)[:3]:
        centred(y + 2, line, 13, MUTED)
        y += 8
    pdf.set_text_color(*INK)
    pdf.set_font("serif", size=18)
    pdf.set_xy(26, 160)
    pdf.cell(text=face.issuer_name)
    pdf.line(26, 171, 140, 171)
    pdf.set_text_color(*MUTED)
    pdf.set_font("serif", size=11)
    pdf.set_xy(26, 174)
    pdf.cell(text=f"颁发 Issued {face.issued_on}")
    pdf.set_xy(26, 181)
    pdf.cell(text=f"编号 Serial {face.serial}")
    pdf.image(io.BytesIO(qr_png(face.url, scale=6, border=2)), x=width - 26 - 40, y=146, w=40, h=40)
    pdf.set_font("serif", size=9)
    pdf.set_xy(width - 26 - 50, 188)
    pdf.cell(w=60, text="扫码验证 Scan to verify", align="C")
    if face.revoked:
        centred(128, "已撤销 REVOKED", 40, REVOKED)
    return bytes(pdf.output())
