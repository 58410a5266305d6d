"""An uploaded workflow definition, checked as ``consult workflows check`` checks a file, before
anything is enabled: a refused one is an :class:`~consult.errors.Invalid` listing each error as
``file:line: message``; nothing is written and the catalog is not touched."""

from __future__ import annotations

from pathlib import PurePath

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid
from consult.i18n import _
from consult.permissions import Can
from consult.workflow.checks import DefinitionError, DefinitionInvalid
from consult.workflow.definition import Definition
from consult.workflow.loader import load_definition_text

MAX_BYTES = 512 * 1024


class DefinitionRefused(Invalid):
    """The uploaded file's errors, each ``file:line: message``."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message, fields={"file": " ".join(errors)})
        self.errors = errors


def check_upload(actor: Actor, organization_id: int, filename: str, data: bytes) -> Definition:
    permissions.require(actor, Can.ADMINISTER, organization_id)
    name = PurePath(filename or "definition.yaml").name
    if not data:
        message = _("Choose the YAML file of the definition.")
        raise Invalid(message, fields={"file": message})
    problems: list[DefinitionError]
    if len(data) > MAX_BYTES:
        problems = [DefinitionError(name, 1, _("the file is larger than 512 KB"))]
    else:
        try:
            return load_definition_text(data.decode("utf-8"), name)
        except UnicodeDecodeError:
            problems = [DefinitionError(name, 1, _("the file is not UTF-8 text"))]
        except DefinitionInvalid as exc:
            problems = exc.errors
    errors = [str(e) for e in problems]
    raise DefinitionRefused(
        _(
            "The definition %(name)s is refused (%(n)s error(s)); nothing was enabled.",
            name=name,
            n=len(errors),
        ),
        errors,
    )
