"""Render a sample of each generated document to PNG under ``docs/documents/``.

    .venv/bin/python tools/render_document_samples.py

Needs LibreOffice and Poppler (``apt-get install -y libreoffice-writer poppler-utils
fonts-liberation``; neither is needed to run or test consult). In a throw-away database it
loads the demo commune, takes its 2024 commune regulation (plan 174/KH-UBND, decision
268/QĐ-UBND, implementation plan 277/KH-UBND, all from the seed), numbers the four documents
the seed does not name (the posting minutes, the notice, the synthesis report and the
submission; their numbers are illustrative), generates every document and the half-year
report as DOCX, then converts DOCX → PDF (LibreOffice headless) → PNG (pdftoppm).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult import demo  # noqa: E402
from consult.config import load_settings  # noqa: E402
from consult.db import write_session  # noqa: E402
from consult.documents import facts, kinds, records, render  # noqa: E402
from consult.documents import report as periodic  # noqa: E402
from consult.migrate import upgrade  # noqa: E402
from consult.models import Consultation, Document, User  # noqa: E402
from consult.runtime import build_runtime  # noqa: E402
from consult.services import organizations, users  # noqa: E402

OUT = ROOT / "docs" / "documents"
RESOLUTION = 60
ILLUSTRATIVE = {  # kind: (number, date signed)
    "posting_start": (175, date(2024, 3, 1)),
    "notice": (176, date(2024, 3, 1)),
    "posting_end": (265, date(2024, 3, 22)),
    "synthesis_report": (266, date(2024, 3, 22)),
    "submission": (267, date(2024, 3, 22)),
}
MAX_PAGES = 4
"""Every page of a document, up to this many (the decision carries its regulation)."""


def convert(docx: Path, workdir: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return workdir / (docx.stem + ".pdf")


def to_png(pdf: Path, stem: str, pages: int) -> list[Path]:
    prefix = OUT / stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", "1", "-l", str(pages), str(pdf), prefix],
        check=True,
        timeout=120,
    )
    made = sorted(OUT.glob(f"{stem}-*.png"))
    if len(made) == 1:  # one page: no page suffix
        made[0].rename(OUT / f"{stem}.png")
        return [OUT / f"{stem}.png"]
    return made


def main() -> int:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install -y libreoffice-writer poppler-utils")
            return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        settings = load_settings(
            {"database_url": f"sqlite:///{workdir / 'samples.db'}", "instance_dir": workdir}
        )
        upgrade(settings)
        runtime = build_runtime(settings)  # today's clock: the demo's open consultation is now
        demo.load(runtime)
        with write_session(runtime.db) as session:
            decision = session.exec(select(Document).where(Document.symbol == "268/QĐ-UBND")).one()
            consultation = session.get(Consultation, decision.consultation_id)
            clerk = users.actor_for(
                session, session.exec(select(User).where(User.username == "vanthu")).one()
            )
            for key, (number, day) in ILLUSTRATIVE.items():
                records.number_kind(
                    session, consultation, key, clerk, runtime.now(), issued_on=day, number=number
                )
        made: list[Path] = []
        with Session(runtime.db) as session:
            consultation = session.get(Consultation, decision.consultation_id)
            gathered = facts.gather(session, consultation)
            for index, kind in enumerate(kinds.KINDS, start=1):
                generated = render.render_docx(gathered, kind, date(2024, 6, 30))
                stem = f"{index:02d}-{kind.template.split('-', 1)[1].removesuffix('.docx')}"
                docx = workdir / f"{stem}.docx"
                docx.write_bytes(generated.content)
                made += to_png(convert(docx, workdir), stem, MAX_PAGES)
            organization = organizations.by_code(session, "UBND")
            period = periodic.Period(date(2024, 1, 1), date(2024, 6, 30))
            text = periodic.markdown(
                periodic.context(session, organization, period, runtime.catalog)
            )
            docx = workdir / "09-bao-cao-6-thang.docx"
            docx.write_bytes(periodic.docx(session, organization, period, text))
            made += to_png(convert(docx, workdir), docx.stem, MAX_PAGES)
        runtime.db.dispose()
    for path in made:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
