"""The guards and effects the services provide to the workflow definitions, registered by
importing their modules (the workflow's own are in :mod:`consult.workflow.rules`).

A definition names them in YAML; :mod:`consult.workflow.loader` refuses a name nobody
registered.
"""

from consult.services import revisions as revisions
from consult.services import synthesis as synthesis

__all__ = ["revisions", "synthesis"]
