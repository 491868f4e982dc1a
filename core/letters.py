"""Printable letters (PDF): an official letter with the sender's details, the addressee, a
subject line, the text and the signature block. Fonts are shipped with the code (DejaVu Serif,
Cyrillic included), so a letter looks the same on every machine."""

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass
class Letter:
    sender_lines: list[str]  # name, address, INN/OGRN, phone, e-mail
    addressee_lines: list[str]  # name and postal address
    date_line: str  # «05.03.2026 № 41-2026-000123»
    subject: str  # «Ответ на обращение № … от …»
    body: str
    signature: list[tuple[str, str]] = field(default_factory=list)  # (position, name)
    footer_lines: list[str] = field(default_factory=list)  # the executor, the platform
    title: str = ""


def render_pdf(letter: Letter) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(letter.title or letter.subject)
    pdf.set_creator("Feedback Platform")
    pdf.add_font("Serif", "", str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.set_margins(left=25, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("Serif", "B", 11)
    pdf.multi_cell(width / 2, 5, letter.sender_lines[0] if letter.sender_lines else "")
    pdf.set_font("Serif", "", 9)
    for line in letter.sender_lines[1:]:
        pdf.multi_cell(width / 2, 4.5, line)
    pdf.ln(2)
    pdf.set_font("Serif", "", 10)
    pdf.multi_cell(width / 2, 5, letter.date_line)

    # The addressee, in the right half, below the sender's block (as Russian letters place it)
    pdf.ln(4)
    pdf.set_font("Serif", "", 11)
    for line in letter.addressee_lines:
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.multi_cell(width / 2, 5.5, line)
    pdf.ln(6)

    pdf.set_font("Serif", "B", 11)
    pdf.multi_cell(width, 6, letter.subject, align="C")
    pdf.ln(3)
    pdf.set_font("Serif", "", 12)
    for paragraph in [p.strip() for p in letter.body.replace("\r\n", "\n").split("\n")]:
        if paragraph:
            pdf.multi_cell(width, 6.5, paragraph, align="J")
        else:
            pdf.ln(3)
    pdf.ln(10)
    for position, name in letter.signature:
        y = pdf.get_y()
        pdf.multi_cell(width * 0.6, 6, position)
        after = pdf.get_y()
        pdf.set_xy(pdf.l_margin + width * 0.6, y)
        pdf.multi_cell(width * 0.4, 6, name, align="R")
        pdf.set_y(max(after, pdf.get_y()))
    if letter.footer_lines:
        pdf.ln(12)
        pdf.set_font("Serif", "", 8)
        for line in letter.footer_lines:
            pdf.multi_cell(width, 4, line)
    return bytes(pdf.output())
