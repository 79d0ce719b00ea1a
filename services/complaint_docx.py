"""A complaint's draft as a Word document (python-docx): the heading block to the right, the title
centred, numbered sections, requests and attachments as numbered lists, the hashes in a fixed-width
font, the signature block; paragraphs flow (a lawyer edits and prints them, nothing is hard-wrapped)."""

from __future__ import annotations

import io

from services.complaint import Document

# python-docx is imported when a document is made, not with the bot: it is a tenth of a second
# of every start, and most runs never make one.

FONT = "Times New Roman"  # what courts and state bodies in Kazakhstan expect on paper
SIZE_PT = 14
LANGUAGE_TAG = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}  # Word's spelling check


def _lang(paragraph, tag: str) -> None:
    """Mark the text's language on each run, so Word checks it in Russian or Kazakh."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for run in paragraph.runs:
        properties = run._r.get_or_add_rPr()
        element = OxmlElement("w:lang")
        element.set(qn("w:val"), tag)
        properties.append(element)


def to_docx(draft: Document) -> bytes:
    """The .docx file's bytes."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    size = Pt(SIZE_PT)
    word = WordDocument()
    word.core_properties.language = LANGUAGE_TAG.get(draft.lang, "ru-RU")
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = size
    section = word.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    tag = LANGUAGE_TAG.get(draft.lang, "ru-RU")
    numbers = {"request": 0, "attachment": 0}
    for kind, text in draft.blocks:
        if kind in numbers:
            numbers[kind] += 1
            paragraph = word.add_paragraph(f"{numbers[kind]}) {text}")
            paragraph.paragraph_format.left_indent = Cm(0.75)
            paragraph.paragraph_format.first_line_indent = Cm(-0.75)
        elif kind == "section":
            numbers["request"] = numbers["attachment"] = 0
            paragraph = word.add_heading(text, level=2)
            for run in paragraph.runs:  # the template's blue heading would print grey: black, the body's font
                run.font.name, run.font.size, run.font.color.rgb = FONT, size, RGBColor(0, 0, 0)
        elif kind == "title":
            paragraph = word.add_paragraph()
            run = paragraph.add_run(text)
            run.bold = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "subtitle":
            paragraph = word.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            paragraph = word.add_paragraph(text)
            paragraph.paragraph_format.left_indent = Cm(8)
            paragraph.paragraph_format.space_after = Pt(0)
        elif kind == "hash":
            paragraph = word.add_paragraph()
            run = paragraph.add_run(text)
            run.font.name, run.font.size = "Courier New", Pt(10)
            paragraph.paragraph_format.left_indent = Cm(0.75)
        elif kind == "quote":
            paragraph = word.add_paragraph(text)
            paragraph.paragraph_format.left_indent = Cm(1)
            for run in paragraph.runs:
                run.italic = True
        elif kind == "signature":
            paragraph = word.add_paragraph(text)
            paragraph.paragraph_format.space_after = Pt(0)
        else:
            paragraph = word.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _lang(paragraph, tag)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
