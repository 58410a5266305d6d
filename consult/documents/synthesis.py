"""The synthesis report (báo cáo tổng hợp, tiếp thu, giải trình ý kiến) as an official document.

One renderer: the editable Word template ``templates/documents/05-bao-cao-tong-hop.docx``,
filled by the documents machinery (:mod:`consult.documents.render`) like every other document
of a consultation. The staff download (``/staff/review/<id>/report.docx``), the citizens'
download (``/consultations/<id>/synthesis.docx``) and the consultation's documents page print
the same file from the same figures: the report's, as stored when the reviewer generated it
(:class:`~consult.models.SynthesisReport`), or computed now before that
(:func:`consult.services.synthesis.compute`). Nothing is counted here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from consult.calendar import local_date
from consult.documents import facts, kinds, render
from consult.models import Consultation

KIND = kinds.BY_KEY["synthesis_report"]


def docx(
    session: Session, consultation: Consultation, figures: dict[str, Any], now: datetime
) -> bytes:
    """The report as DOCX bytes: the register's number, date and signer once it is numbered
    (a draft leaves them blank), the counts and the uptake section from ``figures``."""
    gathered = facts.gather(session, consultation, figures=figures)
    return render.render_docx(gathered, KIND, local_date(now)).content
