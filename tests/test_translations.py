"""Vietnamese first: every message of the interface, the e-mails and the documents has a
Vietnamese translation in the catalog (plural forms included)."""

from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from consult.config import ROOT

METHODS = [("consult/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy": None, "lazy_gettext": None, "N_": None}


def _message_ids() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_of_the_code_and_templates_has_a_vietnamese_translation() -> None:
    with (ROOT / "translations/vi/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    ids = _message_ids()
    assert len(ids) > 500  # the extraction found the interface, not nothing
    missing = []
    for msgid in sorted(ids, key=str):
        entry = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        strings = entry.string if entry is not None else ""
        if isinstance(strings, tuple | list):
            complete = bool(strings) and all(strings)
        else:
            complete = bool(strings)
        if not complete:
            missing.append(msgid)
    assert missing == [], f"{len(missing)} message(s) without Vietnamese: {missing[:20]}"


def test_no_message_is_built_inside_another_one() -> None:
    """Babel does not extract a ``_()`` written inside another ``_()``'s arguments: such a
    message would never be translated."""
    import ast

    nested = []
    for path in sorted((ROOT / "consult").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "lazy"):
                for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
                    for inner in ast.walk(arg):
                        if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") in (
                            "_",
                            "lazy",
                        ):
                            nested.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert nested == []


def test_every_catalog_is_well_formed() -> None:
    """GNU msgfmt's check: a merge that leaves a message without its translation line (the
    catalogs merge by union) fails here, not silently in Babel's lenient reader."""
    import subprocess

    for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        checked = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        assert checked.returncode == 0, f"{po.relative_to(ROOT)}:\n{checked.stderr}"
