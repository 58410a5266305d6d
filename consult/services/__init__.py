"""The business rules, without Flask: each module takes the session, ``now`` and the acting user.

Importing the package registers the steps (guards and effects) the services give the workflow
definitions (:mod:`consult.services.steps`), so any entry point that loads definitions finds
them.
"""

from consult.services import steps as steps
