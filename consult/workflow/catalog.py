"""The loaded workflow definitions, and the snapshots of older ones still in use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from consult.errors import NotFound
from consult.i18n import _
from consult.models import WorkflowSnapshot
from consult.workflow.definition import Definition
from consult.workflow.loader import (
    DefinitionInvalid,
    definition_files,
    load_all,
    load_definition_text,
)


class Catalog:
    def __init__(self, definitions: list[Definition]) -> None:
        self._by_id = {d.id: d for d in definitions}
        self._by_hash = {d.source_hash: d for d in definitions}

    @classmethod
    def from_directory(cls, folder: Path) -> Catalog:
        definitions, errors = load_all(definition_files(folder))
        if errors:
            raise DefinitionInvalid(errors)
        return cls(definitions)

    def all(self) -> list[Definition]:
        return sorted(self._by_id.values(), key=lambda d: d.id)

    def get(self, workflow_id: str) -> Definition:
        try:
            return self._by_id[workflow_id]
        except KeyError:
            raise NotFound(
                _("Unknown workflow %(id)s.", id=workflow_id),
                fields={"workflow": _("Choose one of: %(ids)s", ids=", ".join(self._by_id))},
            ) from None

    def pinned(self, session: Session, workflow_hash: str) -> Definition:
        """The definition a consultation runs under, from the files or from its snapshot."""
        definition = self._by_hash.get(workflow_hash)
        if definition is None:
            snapshot = session.get(WorkflowSnapshot, workflow_hash)
            if snapshot is None:
                raise NotFound(_("The workflow definition of this consultation is missing."))
            definition = load_definition_text(snapshot.source, f"snapshot:{workflow_hash[:12]}")
            self._by_hash[workflow_hash] = definition
        return definition

    def snapshot(self, session: Session, definition: Definition, now: datetime) -> None:
        if session.get(WorkflowSnapshot, definition.source_hash) is None:
            session.add(
                WorkflowSnapshot(
                    hash=definition.source_hash,
                    workflow_id=definition.id,
                    version=definition.version,
                    source=definition.source_text,
                    stored_at=now,
                )
            )
