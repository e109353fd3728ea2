"""The report's narrative sections as a Word document, for those who must edit offline.

Only what people write: the report's title and period, each narrative section's heading and
paragraphs, its owner, where it is in its workflow and which statutory partners have signed it
off (by organisation). No tables: the figures are counted by Safeguard, from the records, and
would leave the system with the file. No child's data is in the narratives' workflow, and the
file's own properties name nobody (python-docx would otherwise say it wrote the file; Word
fills "author" from whoever saves it next). Made on request, for those who see the draft
(``policies.may_export_narrative``); each export is audited by the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

from safeguard.core.models import Organisation
from safeguard.reports.models import Narrative, NarrativeStatus, Report

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sign_off_state(narrative: Narrative, partners: Sequence[Organisation]) -> str:
    """ "Signed off by Westmere Council and Westmere Police (2 of 3 partners)" or plainer."""
    signed = {s.organisation_id for s in narrative.sign_offs.all()}
    names = [partner.name for partner in partners if partner.pk in signed]
    if not names:
        return "Not yet signed off by any statutory partner."
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Signed off by {listed} ({len(names)} of {len(partners)} statutory partners)."


def _paragraphs(body: str) -> list[list[str]]:
    """Paragraphs split on blank lines, each a list of its lines (kept as line breaks)."""
    found = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            found.append(lines)
    return found


def narrative_docx(
    *,
    report: Report,
    narratives: Sequence[Narrative],
    partners: Sequence[Organisation],
    on: date,
) -> bytes:
    from docx import Document

    document = Document()
    properties = document.core_properties
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.title = report.title
    document.add_heading(report.title, level=0)
    start, end = report.period_start, report.period_end
    document.add_paragraph(
        f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}. The narrative sections as they "
        f"stood on {on.day} {on:%B %Y}: a draft, not for publication. The tables are counted "
        "by Safeguard from the records and are not in this file; write changes back into "
        "Safeguard, where each section is reviewed and signed off."
    )
    for narrative in narratives:
        document.add_heading(narrative.title, level=1)
        state = document.add_paragraph()
        state.add_run("Owner: ").bold = True
        state.add_run(f"{narrative.owner.full_name}. ")
        state.add_run("Status: ").bold = True
        state.add_run(f"{narrative.get_status_display()}. ")
        state.add_run(sign_off_state(narrative, partners))
        if narrative.status == NarrativeStatus.DRAFT and narrative.review_comment:
            returned = document.add_paragraph()
            returned.add_run("Sent back by its owner: ").bold = True
            returned.add_run(narrative.review_comment)
        paragraphs = _paragraphs(narrative.body)
        if not paragraphs:
            document.add_paragraph().add_run("This section has not been written yet.").italic = True
        for lines in paragraphs:
            paragraph = document.add_paragraph()
            for n, line in enumerate(lines):
                run = paragraph.add_run(line)
                if n < len(lines) - 1:
                    run.add_break()
    out = BytesIO()
    document.save(out)
    return out.getvalue()
