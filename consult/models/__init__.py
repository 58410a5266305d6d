"""The data model, one module per aggregate. Importing this package registers every table."""

from consult.models.audit import AuditEvent
from consult.models.comment import Comment, OpinionCount, OpinionCountMark
from consult.models.consultation import (
    Article,
    ArticleText,
    Consultation,
    DraftVersion,
    Window,
    WorkflowSnapshot,
)
from consult.models.document import Document, PostingRecord, RegisterCounter, SignedCopy
from consult.models.holiday import HolidayAnnouncement
from consult.models.household import Ballot, BallotAnswer, Household
from consult.models.meeting import Meeting
from consult.models.notification import Notification, NotificationPreference
from consult.models.organization import Locality, Organization, PostingPlace
from consult.models.portal import ReceiptSubscription
from consult.models.review import CommentChange, CommentScan, SynthesisReport
from consult.models.user import ApiToken, Membership, User

__all__ = [
    "ApiToken",
    "Article",
    "ArticleText",
    "AuditEvent",
    "Ballot",
    "BallotAnswer",
    "Comment",
    "CommentChange",
    "CommentScan",
    "Consultation",
    "Document",
    "DraftVersion",
    "HolidayAnnouncement",
    "Household",
    "Locality",
    "Meeting",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OpinionCount",
    "OpinionCountMark",
    "Organization",
    "PostingPlace",
    "PostingRecord",
    "ReceiptSubscription",
    "RegisterCounter",
    "SignedCopy",
    "SynthesisReport",
    "User",
    "Window",
    "WorkflowSnapshot",
]
