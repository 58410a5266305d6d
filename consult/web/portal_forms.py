"""The citizen's opinion form on the portal: the shared comment form plus the optional
"tell me by e-mail" choice and the preview step."""

from __future__ import annotations

from wtforms import BooleanField, SelectField

from consult.i18n import lazy
from consult.web.forms import CommentForm

STEP_PREVIEW = "preview"
STEP_EDIT = "edit"
STEP_SEND = "send"


class PortalCommentForm(CommentForm):
    clause = SelectField(
        lazy("Which clause of the article? (optional)"), choices=[], validate_choice=False
    )
    notify = BooleanField(
        lazy("Tell me by e-mail when the response is published"),
        description=lazy(
            "Write your e-mail address in the field above. It is used for this one e-mail "
            "only, then erased."
        ),
    )
