"""The hand-written streaming XLSX writer consult used before XlsxWriter (formerly
``consult/services/xlsx.py``), kept here only so ``bench/review.py`` can time both writers on
the same rows in the same run. consult itself writes XLSX with XlsxWriter
(:func:`consult.services.exports.write_xlsx`); see docs/PERFORMANCE.md.

One sheet, a bold header row, column widths, a frozen header and an autofilter; rows go
straight into the zip as they come.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

_ILLEGAL = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]}
"""Characters XML 1.0 cannot carry: dropped."""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml"
 ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
 Target="docProps/core.xml"/>
</Relationships>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
 Target="styles.xml"/>
</Relationships>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {_NS}>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name
 val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill
 patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf
 numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"
 applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="0" fontId="0"
 fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return value.translate(_ILLEGAL).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row(number: int, values: Sequence[Any], letters: list[str], style: int) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=True):
        ref = f"{letter}{number}"
        if isinstance(value, bool) or value is None or value == "":
            if value is None or value == "":
                continue
            value = str(value)
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}" s="{style}"><v>{value}</v></c>')
        else:
            cells.append(
                f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_text(str(value))}</t></is></c>"
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


def write(
    out: IO[bytes],
    sheet_name: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
) -> int:
    """Write the workbook to ``out``; returns the number of data rows."""
    letters = [column_letter(i) for i in range(1, len(headers) + 1)]
    last = letters[-1]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as raw:
            buffer: list[str] = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                f"<worksheet {_NS}>",
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
                "<cols>",
                *(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                ),
                "</cols><sheetData>",
                _row(1, list(headers), letters, 1),
            ]
            for values in rows:
                count += 1
                buffer.append(_row(count + 1, values, letters, 2))
                if len(buffer) >= 2000:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append(f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/></worksheet>')
            raw.write("".join(buffer).encode("utf-8"))
        name = _text(sheet_name)
        book.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook {_NS} xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets><definedNames>'
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{name}'!$A$1:${last}${count + 1}</definedName></definedNames></workbook>",
        )
        book.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{_text(title)}</dc:title></cp:coreProperties>",
        )
    return count
