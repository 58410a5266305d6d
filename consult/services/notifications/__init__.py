"""Notifications (thông báo, nhắc việc): what staff and citizens are told, when, and how.

The package, one module per concern:

- :mod:`.queue`: finding what is due (reminders 3 days and 1 day before a comment window
  closes, the close itself, a decision to publish within 5 working days or overdue, the
  report to the People's Council) and queuing one notice per event and user, once.
- :mod:`.texts`: what each notice says (Vietnamese for staff).
- :mod:`.publication`: when an issued decision must be published (also for the dashboard).
- :mod:`.preferences`: the kinds of notice and each user's choice of e-mail and in-app.
- :mod:`.inbox`: in-app notices, unread and marked read.
- :mod:`.outbox`: the one e-mail outbox: claim, send outside transactions, retry with
  back-off. Two mailboxes use it: :mod:`.staff_mail` (staff notices) and
  :mod:`.receipt_notices` (a citizen told once that the response to their opinion is public).

The names below are the public surface for the web pages and the scheduler; import anything
else from its module.
"""

from __future__ import annotations

from consult.errors import Invalid
from consult.services.notifications.inbox import mark_read, unread, unread_count
from consult.services.notifications.outbox import MAX_ATTEMPTS, RETRY_DELAYS, DeliveryReport
from consult.services.notifications.preferences import (
    KIND_TITLES,
    KINDS,
    Preference,
    preferences,
    set_preference,
)
from consult.services.notifications.publication import (
    PUBLISHED_TYPES,
    is_publication_overdue,
    publication_deadline,
)
from consult.services.notifications.queue import queue_due
from consult.services.notifications.staff_mail import deliver

__all__ = [
    "KINDS",
    "KIND_TITLES",
    "MAX_ATTEMPTS",
    "PUBLISHED_TYPES",
    "RETRY_DELAYS",
    "DeliveryReport",
    "Invalid",  # what set_preference raises on an unknown kind
    "Preference",
    "deliver",
    "is_publication_overdue",
    "mark_read",
    "preferences",
    "publication_deadline",
    "queue_due",
    "set_preference",
    "unread",
    "unread_count",
]
