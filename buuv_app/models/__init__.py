"""All tables; importing this module registers every one of them on SQLModel.metadata."""

from sqlmodel import SQLModel

# Deterministic constraint names, so that migrations can drop what they created on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# ruff: noqa: E402 (the convention must be set before any table is defined)

from buuv_app.models.account import AuthAttempt, AuthSession, TokenPurpose, UserToken
from buuv_app.models.board import (
    BOARD_ADDRESS_MAX,
    BOARD_NAME_MAX,
    BOARD_PHONE_MAX,
    BOARD_TEXT_MAX,
    PAPER_NOTE_MAX,
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    BoardVisit,
    PaperReaction,
)
from buuv_app.models.category import Category
from buuv_app.models.mail import OutboxMail
from buuv_app.models.messaging import (
    MESSAGE_MAX,
    Block,
    Conversation,
    ConversationRead,
    LiveView,
    Message,
)
from buuv_app.models.moderation import (
    APPEAL_WINDOW,
    HIDDEN_REASON_MAX,
    NOTE_MAX,
    REPORT_MAX,
    MemberNotice,
    ModerationAction,
    ModerationReminder,
    Report,
    ReportStatus,
    appeal_open,
    create_audit_guard,
    drop_audit_guard,
)
from buuv_app.models.neighbour import ConsentMethod, ContactMethod, Neighbour
from buuv_app.models.notify import DigestNeighbourhood, DigestSent, PushSubscription
from buuv_app.models.place import Municipality, Neighbourhood
from buuv_app.models.post import (
    BODY_MAX,
    POST_LIFETIME,
    THANK_YOU_MAX,
    TITLE_MAX,
    Post,
    PostKind,
    PostStatus,
    Visibility,
    WhenKind,
)
from buuv_app.models.stats import ActiveDay, FirstContact, MemberDay, PostDay
from buuv_app.models.types import UTCDateTime, utcnow
from buuv_app.models.user import Role, User
from buuv_app.models.verification import LapseCause, MeetingKind, Verification, VerificationMethod, in_force

__all__ = [
    "BOARD_ADDRESS_MAX",
    "BOARD_NAME_MAX",
    "BOARD_PHONE_MAX",
    "BOARD_TEXT_MAX",
    "PAPER_NOTE_MAX",
    "BoardAmbassador",
    "BoardLocation",
    "BoardNeighbourhood",
    "BoardVisit",
    "PaperReaction",
    "MESSAGE_MAX",
    "REPORT_MAX",
    "Block",
    "Conversation",
    "ConversationRead",
    "LiveView",
    "Message",
    "Report",
    "ReportStatus",
    "APPEAL_WINDOW",
    "HIDDEN_REASON_MAX",
    "appeal_open",
    "create_audit_guard",
    "drop_audit_guard",
    "NOTE_MAX",
    "MemberNotice",
    "ModerationAction",
    "ModerationReminder",
    "AuthAttempt",
    "AuthSession",
    "OutboxMail",
    "DigestNeighbourhood",
    "DigestSent",
    "PushSubscription",
    "TokenPurpose",
    "UserToken",
    "BODY_MAX",
    "POST_LIFETIME",
    "THANK_YOU_MAX",
    "TITLE_MAX",
    "Visibility",
    "WhenKind",
    "Category",
    "FirstContact",
    "PostDay",
    "MemberDay",
    "ActiveDay",
    "Municipality",
    "ConsentMethod",
    "ContactMethod",
    "Neighbour",
    "Neighbourhood",
    "Post",
    "PostKind",
    "PostStatus",
    "Role",
    "UTCDateTime",
    "User",
    "LapseCause",
    "MeetingKind",
    "Verification",
    "VerificationMethod",
    "in_force",
    "utcnow",
]
