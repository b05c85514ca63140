"""Moderation: members report posts, conversations and messages; professionals of the municipality
(and admins) work through the queue and act; every action goes into an append-only audit log;
reporters hear the outcome, authors of hidden posts may appeal once.

Rules (check_* before do_*, as everywhere):
- A report names a reason from REASONS and may carry a short note. At most REPORTS_PER_DAY a member
  a day, and one open report per member per item.
- Reports by one member against the same person within GROUP_WINDOW form one group: they are one
  line in the queue and count as one.
- Automatic hold: a post reported by HOLD_REPORTERS different members whose accounts are older than
  ESTABLISHED_AFTER is hidden at once pending review; a professional's (or admin's) single report
  is enough.
- A suspended member is logged out everywhere, cannot post, react or message (User.is_active), and
  their open posts are hidden until the suspension is lifted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from buuv_app import routes
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_, gettext
from buuv_app.models import (
    HIDDEN_REASON_MAX,
    NOTE_MAX,
    Conversation,
    MemberNotice,
    Message,
    ModerationAction,
    ModerationReminder,
    Neighbourhood,
    Post,
    Report,
    ReportStatus,
    Role,
    User,
    appeal_open,
    utcnow,
)
from buuv_app.services import mail, notifications, permissions, posts, sessions
from buuv_app.services.accounts import DELETED_NAME
from buuv_app.services.permissions import Action
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.moderation")

# The reasons a member picks from (code -> Dutch label; English in i18n/en.po).
REASONS: dict[str, str] = {
    "oplichting": N_("Oplichting of geld vragen"),
    "ongepast": N_("Ongepast of kwetsend"),
    "spam": N_("Spam of reclame"),
    "onveilig": N_("Onveilig"),
    "anders": N_("Iets anders"),
}
APPEAL_REASON = "bezwaar"  # an author's appeal against a hidden post; never picked by a reporter
REPORTS_PER_DAY = 10
GROUP_WINDOW = timedelta(hours=24)
HOLD_REPORTERS = 3
ESTABLISHED_AFTER = timedelta(days=7)
SHARE_AROUND = 5  # how many messages on either side of a reported message may be shared
REMIND_AFTER = timedelta(hours=48)
SUSPEND_DAYS_MAX = 3650
OPEN = (ReportStatus.OPEN.value, ReportStatus.IN_PROGRESS.value)


class Outcome:
    NO_ACTION = "no_action"
    HIDDEN = "hidden"
    WARNED = "warned"
    SUSPENDED = "suspended"
    RESTORED = "restored"


# What a reporter reads about the outcome of their report.
OUTCOME_TEXTS: dict[str, str] = {
    Outcome.NO_ACTION: N_("We hebben je melding over \u201c{title}\u201d bekeken. Er was geen reden om iets te doen; "
                          "dank je wel voor het melden."),
    Outcome.HIDDEN: N_("Je melding over \u201c{title}\u201d is behandeld: de oproep is verborgen."),
    Outcome.WARNED: N_("Je melding over \u201c{title}\u201d is behandeld: de schrijver heeft een waarschuwing gekregen."),
    Outcome.SUSPENDED: N_("Je melding over \u201c{title}\u201d is behandeld: het account is geschorst."),
    Outcome.RESTORED: N_("We hebben je melding over \u201c{title}\u201d bekeken en de oproep teruggezet: het past "
                         "binnen de huisregels."),
    # What the author of a hidden post reads about their appeal.
    "appeal_" + Outcome.RESTORED: N_("Je bezwaar over \u201c{title}\u201d is toegekend: de oproep is weer zichtbaar."),
    "appeal_" + Outcome.HIDDEN: N_("Je bezwaar over \u201c{title}\u201d is bekeken: de oproep blijft verborgen."),
    "appeal_" + Outcome.NO_ACTION: N_("Je bezwaar over \u201c{title}\u201d is bekeken: de oproep blijft verborgen."),
}
# The audit log's words for each action.
ACTION_LABELS: dict[str, str] = {
    "hold": N_("automatisch verborgen (meerdere meldingen)"),
    "take": N_("opgepakt"),
    Outcome.NO_ACTION: N_("geen actie"),
    Outcome.HIDDEN: N_("oproep verborgen"),
    Outcome.WARNED: N_("gewaarschuwd"),
    Outcome.SUSPENDED: N_("geschorst"),
    Outcome.RESTORED: N_("teruggezet"),
    "appeal": N_("bezwaar gemaakt"),
    "unverify": N_("verificatie als buur ingetrokken"),  # services/verification.revoke
}
HOLD_TEXT = N_("Verborgen na meldingen van buren, in afwachting van beoordeling.")
# APPEAL_WINDOW in words: the refusal of a late appeal and what the greyed post says instead of the button.
APPEAL_CLOSED_TEXT = N_("De termijn voor bezwaar is voorbij: bezwaar kan tot 20 dagen nadat een oproep is verborgen.")
SUSPENSION_TEXT = N_("Verborgen omdat het account van de schrijver is geschorst.")


@dataclass(frozen=True)
class SharedMessage:
    id: int
    sender_name: str
    body: str
    created_at: datetime
    reported: bool


@dataclass(frozen=True)
class AuditLine:
    created_at: datetime
    actor_name: str
    action: str  # a code of ACTION_LABELS
    reason: str
    until: datetime | None


@dataclass(frozen=True)
class QueueItem:
    report_id: int
    status: str
    created_at: datetime
    reason: str  # a code of REASONS (or APPEAL_REASON)
    note: str
    is_appeal: bool
    reporters: int  # different members who reported this item while it is open
    grouped: int  # further reports by the same reporter against the same member, folded in
    assignee_name: str
    mine: bool
    outcome: str
    post_id: int | None
    post_title: str
    post_body: str
    post_hidden: bool
    post_held: bool
    conversation_id: int | None
    subject_id: int | None
    subject_name: str
    subject_suspended: bool
    messages: list[SharedMessage] = field(default_factory=list)
    earlier_reports: int = 0  # independent reports about the same member before this one
    history: list[AuditLine] = field(default_factory=list)  # this item's and this member's


@dataclass(frozen=True)
class Notice:
    id: int
    kind: str
    text: str
    created_at: datetime


# --- reporting ------------------------------------------------------------------------------

def _clean_reason(reason: object) -> str:
    if not isinstance(reason, str) or reason not in REASONS:
        raise ValidationError("reason", N_("Kies een reden uit de lijst."))
    return reason


def _clean_note(note: object, field_name: str = "note", *, required: bool = False) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if required and not text:
        raise ValidationError(field_name, N_("Schrijf kort waarom."))
    if len(text) > NOTE_MAX:
        raise ValidationError(field_name, N_("Houd het kort: hoogstens {max} tekens."), max=NOTE_MAX)
    return text


def _municipality_of(session: Session, post: Post | None) -> int | None:
    if post is None:
        return None
    return session.exec(select(Neighbourhood.municipality_id).where(Neighbourhood.id == post.neighbourhood_id)).first()


def _check_reporter(session: Session, user: User, now: datetime) -> None:
    permissions.check(user, Action.REPORT, "report")
    today = session.exec(select(func.count()).select_from(Report).where(
        Report.reporter_id == user.id, Report.created_at > now - timedelta(days=1),
        Report.is_appeal == sa.false())).one()
    if today >= REPORTS_PER_DAY:
        raise ValidationError("form", N_("Je hebt vandaag al {max} meldingen gedaan. Morgen kan het weer; "
                                         "bij direct gevaar: bel 112."), max=REPORTS_PER_DAY)


def _check_not_open(session: Session, user: User, **item) -> None:
    query = select(Report.id).where(Report.reporter_id == user.id, col(Report.status).in_(OPEN))
    for name, value in item.items():
        column = getattr(Report, name)
        query = query.where(col(column).is_(None) if value is None else column == value)
    if session.exec(query).first() is not None:
        raise ValidationError("form", N_("Je hebt dit al gemeld. We kijken ernaar en laten je weten wat we doen."))


def _group_of(session: Session, user: User, subject_id: int, now: datetime) -> int | None:
    """The group a new report joins: the first of this reporter's reports against the same member
    in the last GROUP_WINDOW (they count as one, not as independent reports)."""
    earlier = session.exec(select(Report).where(
        Report.reporter_id == user.id, Report.subject_id == subject_id, Report.is_appeal == sa.false(),
        Report.created_at > now - GROUP_WINDOW).order_by(col(Report.id))).first()
    if earlier is None:
        return None
    return earlier.group_id or earlier.id


def _store(session: Session, report: Report, now: datetime) -> Report:
    report.created_at = now
    session.add(report)
    session.commit()
    session.refresh(report)
    return report


def report_post(*, session: Session, user: User, post_id: int, reason: str, note: str = "",
                now: datetime | None = None) -> Report:
    """Report a post `user` can see. Three established members (or one professional) hide it at once."""
    now = now or utcnow()
    _check_reporter(session, user, now)
    detail = posts.get_post_detail(session=session, post_id=post_id, viewer=user) if isinstance(post_id, int) else None
    post = session.get(Post, post_id) if detail is not None else None
    if post is None or (post.hidden_at is not None and post.author_id != user.id):
        raise NotFound("post")
    if post.author_id == user.id:
        raise ValidationError("form", N_("Dit is je eigen oproep; melden kan niet."))
    reason, note = _clean_reason(reason), _clean_note(note)
    _check_not_open(session, user, post_id=post.id)
    report = _store(session, Report(
        reporter_id=user.id, subject_id=post.author_id, post_id=post.id, reason=reason, note=note,
        municipality_id=_municipality_of(session, post), group_id=_group_of(session, user, post.author_id, now),
    ), now)
    _hold_if_needed(session, post, user, report, now)
    return report


def _hold_if_needed(session: Session, post: Post, reporter: User, report: Report, now: datetime) -> None:
    if post.hidden_at is not None:
        return
    if permissions.is_professional_or_admin(reporter):
        held = True
    else:
        established = session.exec(
            select(func.count(sa.distinct(Report.reporter_id))).select_from(Report)
            .join(User, User.id == Report.reporter_id)
            .where(Report.post_id == post.id, col(Report.status).in_(OPEN), Report.is_appeal == sa.false(),
                   User.created_at <= now - ESTABLISHED_AFTER)).one()
        held = established >= HOLD_REPORTERS
    if held:
        _hide(post, "hold", gettext(HOLD_TEXT, "nl"), now)
        session.add(post)
        _log(session, None, "hold", report=report, post_id=post.id, subject_id=post.author_id, now=now)
        session.commit()


def _participant_conversation(session: Session, user: User, conversation_id: object) -> Conversation:
    conversation = session.get(Conversation, conversation_id) if isinstance(conversation_id, int) else None
    if conversation is None or not permissions.can_read_conversation(user, conversation):
        if conversation is not None:
            permissions.refuse(user, "report_conversation", f"conversation={conversation.id}")
        raise NotFound("conversation")
    return conversation


def _shared_ids(session: Session, conversation: Conversation, message_id: int | None,
                shared: object) -> list[int]:
    """The messages the moderator will read: the reported one and those around it the reporter
    chose to share (at most SHARE_AROUND either side; anything else asked for is left out)."""
    ids = session.exec(select(Message.id).where(Message.conversation_id == conversation.id)
                       .order_by(col(Message.id))).all()
    chosen = {i for i in (shared if isinstance(shared, (list, tuple)) else []) if isinstance(i, int)}
    if message_id is not None:
        at = ids.index(message_id)
        window = set(ids[max(0, at - SHARE_AROUND): at + SHARE_AROUND + 1])
        return sorted((chosen & window) | {message_id})
    # A whole conversation reported: the reporter may share its latest messages.
    return sorted(chosen & set(ids[-SHARE_AROUND:]))


def report_conversation(*, session: Session, user: User, conversation_id: int, reason: str, note: str = "",
                        message_id: int | None = None, shared_message_ids: object = (),
                        now: datetime | None = None) -> Report:
    """Report a conversation `user` takes part in, or one message in it, about the other person."""
    now = now or utcnow()
    _check_reporter(session, user, now)
    conversation = _participant_conversation(session, user, conversation_id)
    if message_id is not None:
        message = session.get(Message, message_id) if isinstance(message_id, int) else None
        if message is None or message.conversation_id != conversation.id:
            raise NotFound("message")
        if message.sender_id == user.id:
            raise ValidationError("form", N_("Dit is je eigen oproep; melden kan niet."))
    reason, note = _clean_reason(reason), _clean_note(note)
    _check_not_open(session, user, conversation_id=conversation.id, message_id=message_id)
    subject_id = conversation.contact_id if user.id == conversation.responder_id else conversation.responder_id
    shared = _shared_ids(session, conversation, message_id, shared_message_ids)
    return _store(session, Report(
        reporter_id=user.id, subject_id=subject_id, conversation_id=conversation.id, message_id=message_id,
        reason=reason, note=note, shared_message_ids=",".join(map(str, shared)),
        municipality_id=_municipality_of(session, session.get(Post, conversation.post_id)),
        group_id=_group_of(session, user, subject_id, now),
    ), now)


def appeal(*, session: Session, user: User, post_id: int, text: str, now: datetime | None = None) -> Report:
    """The author of a hidden post objects, once per hiding: it returns to the queue."""
    now = now or utcnow()
    permissions.check(user, Action.REPORT, "appeal")
    post = session.get(Post, post_id) if isinstance(post_id, int) else None
    if post is None or post.author_id != user.id:
        if post is not None:
            permissions.refuse(user, "appeal", f"post={post.id}")
        raise NotFound("post")
    if post.hidden_at is None:
        raise ValidationError("appeal", N_("Deze oproep is niet verborgen."))
    if post.appealed_at is not None:
        raise ValidationError("appeal", N_("Je hebt al bezwaar gemaakt. We laten je weten wat we besluiten."))
    if not appeal_open(post.hidden_at, now):
        raise ValidationError("appeal", APPEAL_CLOSED_TEXT)
    note = _clean_note(text, "appeal", required=True)
    post.appealed_at = now
    session.add(post)
    report = _store(session, Report(
        reporter_id=user.id, subject_id=user.id, post_id=post.id, reason=APPEAL_REASON, note=note,
        is_appeal=True, municipality_id=_municipality_of(session, post)), now)
    _log(session, user, "appeal", report=report, post_id=post.id, subject_id=user.id, reason=note, now=now)
    session.commit()
    return report


# --- the audit log --------------------------------------------------------------------------

def _log(session: Session, actor: User | None, action: str, *, report: Report | None = None,
         post_id: int | None = None, subject_id: int | None = None, reason: str = "",
         until: datetime | None = None, now: datetime | None = None) -> None:
    """Add one line to the audit log (the caller commits). There is deliberately no way to change
    or remove a line."""
    session.add(ModerationAction(
        actor_id=actor.id if actor else None, action=action, report_id=report.id if report else None,
        post_id=post_id, subject_id=subject_id, reason=reason, until=until, created_at=now or utcnow()))


def audit_trail(*, session: Session, actor: User, report_id: int) -> list[AuditLine]:
    """What was done about a report's item and member, oldest first (moderators only)."""
    report = _moderated(session, actor, report_id)
    return _history(session, report)


def _history(session: Session, report: Report) -> list[AuditLine]:
    conditions = [ModerationAction.report_id == report.id]
    if report.post_id is not None:
        conditions.append(ModerationAction.post_id == report.post_id)
    if report.subject_id is not None:
        conditions.append(ModerationAction.subject_id == report.subject_id)
    rows = session.exec(select(ModerationAction, User.display_name)
                        .outerjoin(User, User.id == ModerationAction.actor_id)
                        .where(sa.or_(*conditions)).order_by(col(ModerationAction.id))).all()
    return [AuditLine(created_at=a.created_at, actor_name=name or "BUUV", action=a.action, reason=a.reason,
                      until=a.until) for a, name in rows]


# --- acting ---------------------------------------------------------------------------------

def _moderated(session: Session, actor: User, report_id: object) -> Report:
    permissions.check(actor, Action.MODERATE, f"report={report_id}")
    report = session.get(Report, report_id) if isinstance(report_id, int) else None
    if report is None:
        raise NotFound("report")
    permissions.check_can_moderate(actor, report.municipality_id, f"report={report.id}")
    return report


def _open(report: Report) -> None:
    if report.status not in OPEN:
        raise ValidationError("form", N_("Deze melding is al afgehandeld."))


def _start_action(session: Session, actor: User, report_id: object, reason: object) -> tuple[Report, str]:
    """The open report `actor` may act on, and the reason they gave for it (always asked)."""
    report = _moderated(session, actor, report_id)
    _open(report)
    return report, _clean_note(reason, "reason", required=True)


def take(*, session: Session, actor: User, report_id: int, now: datetime | None = None) -> Report:
    """"Oppakken": the report is in progress, assigned to `actor`."""
    report = _moderated(session, actor, report_id)
    _open(report)
    for item in _siblings(session, report):
        item.status, item.assignee_id = ReportStatus.IN_PROGRESS.value, actor.id
        session.add(item)
    _log(session, actor, "take", report=report, post_id=report.post_id, subject_id=report.subject_id, now=now)
    session.commit()
    return report


def _hide(post: Post, cause: str, reason: str, now: datetime) -> None:
    post.hidden_at, post.hidden_cause = now, cause
    post.hidden_reason = reason[:HIDDEN_REASON_MAX]
    post.appealed_at = None


def _unhide(post: Post) -> None:
    post.hidden_at = post.hidden_cause = post.hidden_reason = None


def _item_title(session: Session, report: Report) -> str:
    post = session.get(Post, report.post_id) if report.post_id else None
    if post is None and report.conversation_id:
        conversation = session.get(Conversation, report.conversation_id)
        post = session.get(Post, conversation.post_id) if conversation else None
    return (post.title if post else "")[:120]


def _siblings(session: Session, report: Report) -> list[Report]:
    """The open reports one queue line stands for: about the same item, or grouped with it."""
    group = report.group_id or report.id
    siblings = [Report.id == report.id, Report.group_id == group, Report.id == group]
    if report.post_id is not None:
        siblings.append(sa.and_(Report.post_id == report.post_id, Report.is_appeal == report.is_appeal))
    elif report.conversation_id is not None:
        siblings.append(Report.conversation_id == report.conversation_id)
    found = list(session.exec(select(Report).where(col(Report.status).in_(OPEN), sa.or_(*siblings))).all())
    return found if report in found else [report, *found]


def _resolve(session: Session, actor: User, report: Report, outcome: str, reason: str, now: datetime,
             until: datetime | None = None) -> None:
    """Close this report, the others open about the same item and those grouped with it, log
    the action once and tell each reporter (in the app, and by mail unless they turned mail off)."""
    closing = _siblings(session, report)
    _log(session, actor, outcome, report=report, post_id=report.post_id, subject_id=report.subject_id,
         reason=reason, until=until, now=now)
    title = _item_title(session, report)
    told: dict[int, str] = {}  # reporter -> the OUTCOME_TEXTS key they read
    notices: dict[int, MemberNotice] = {}
    for item in closing:
        item.status, item.outcome, item.resolved_at = ReportStatus.RESOLVED.value, outcome, now
        item.assignee_id = item.assignee_id or actor.id
        session.add(item)
        if item.reporter_id not in told:
            told[item.reporter_id] = f"appeal_{outcome}" if item.is_appeal else outcome
            notices[item.reporter_id] = MemberNotice(user_id=item.reporter_id, kind="outcome",
                                                     outcome=told[item.reporter_id], item_title=title, created_at=now)
            session.add(notices[item.reporter_id])
    session.commit()
    for reporter_id, wording in told.items():
        reporter = session.get(User, reporter_id)
        _mail_outcome(session, reporter, wording, title)
        if reporter is not None:
            notifications.notify_moderation(session=session, user=reporter, notice_id=notices[reporter_id].id,
                                            appeal=wording.startswith("appeal_"))


def _mail_outcome(session: Session, reporter: User | None, wording: str, title: str) -> None:
    if reporter is None or not reporter.is_active or not reporter.email or not reporter.message_mail:
        return
    base = get_settings().public_url.rstrip("/")
    mail.send_mail(
        session=session, to=reporter.email,
        subject=gettext(N_("Je melding op BUUV is behandeld"), "nl"),
        body=gettext(N_("Hallo {name},\n\n{outcome}\n\nBekijk het op {link}\n\nGroet,\nBUUV"), "nl",
                     name=reporter.display_name, outcome=gettext(OUTCOME_TEXTS[wording], "nl", title=title),
                     link=f"{base}{routes.ACCOUNT}"),
    )


def dismiss(*, session: Session, actor: User, report_id: int, reason: str, now: datetime | None = None) -> Report:
    """No action, with the reason why; a post held pending review comes back."""
    report, reason = _start_action(session, actor, report_id, reason)
    now = now or utcnow()
    post = session.get(Post, report.post_id) if report.post_id else None
    # A held post comes back; an appeal turned down leaves the post as it is.
    if post is not None and post.hidden_cause == "hold" and not report.is_appeal:
        _unhide(post)
        session.add(post)
    _resolve(session, actor, report, Outcome.NO_ACTION, reason, now)
    return report


def hide_post(*, session: Session, actor: User, report_id: int, reason: str, now: datetime | None = None) -> Report:
    """Hide the reported post (or confirm the automatic hold), with the reason its author reads."""
    report, reason = _start_action(session, actor, report_id, reason)
    post = session.get(Post, report.post_id) if report.post_id else None
    if post is None:
        raise ValidationError("form", N_("Alleen een oproep op het prikbord kan worden verborgen."))
    now = now or utcnow()
    _hide(post, "moderator", reason, now)
    if report.is_appeal:
        post.appealed_at = now  # the appeal was heard: no second one
    session.add(post)
    _resolve(session, actor, report, Outcome.HIDDEN, reason, now)
    return report


def warn(*, session: Session, actor: User, report_id: int, text: str, now: datetime | None = None) -> Report:
    """A message the member sees on their next visit."""
    report, text = _start_action(session, actor, report_id, text)
    if report.subject_id is None or report.is_appeal:
        raise ValidationError("form", N_("Hier valt niemand te waarschuwen."))
    now = now or utcnow()
    session.add(MemberNotice(user_id=report.subject_id, kind="warning", text=text, created_at=now))
    _resolve(session, actor, report, Outcome.WARNED, text, now)
    return report


def suspend(*, session: Session, actor: User, report_id: int, days: int | None, reason: str,
            now: datetime | None = None) -> Report:
    """Suspend the member for `days` (None: for good): logged out everywhere, their open posts hidden."""
    report, reason = _start_action(session, actor, report_id, reason)
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= SUSPEND_DAYS_MAX):
        raise ValidationError("days", N_("Kies een aantal dagen tussen 1 en {max}, of voorgoed."), max=SUSPEND_DAYS_MAX)
    subject = session.get(User, report.subject_id) if report.subject_id else None
    if subject is None or report.is_appeal:
        raise ValidationError("form", N_("Hier valt niemand te schorsen."))
    if subject.role in (Role.PROFESSIONAL.value, Role.ADMIN.value) or subject.id == actor.id:
        raise ValidationError("form", N_("Een wijkprofessional of beheerder kan hier niet worden geschorst."))
    now = now or utcnow()
    until = now + timedelta(days=days) if days is not None else None
    subject.suspended_at, subject.suspended_until = now, until
    session.add(subject)
    for post in session.exec(select(Post).where(Post.author_id == subject.id, col(Post.status).in_(
            posts.VISIBLE_STATUSES), col(Post.hidden_at).is_(None))).all():
        _hide(post, "suspension", gettext(SUSPENSION_TEXT, "nl"), now)
        session.add(post)
    session.commit()
    sessions.revoke_all_sessions(session=session, user_id=subject.id)
    _resolve(session, actor, report, Outcome.SUSPENDED, reason, now, until=until)
    return report


def restore(*, session: Session, actor: User, report_id: int, reason: str = "", now: datetime | None = None) -> Report:
    """Undo, also of a report handled earlier: the reported post is shown again, and a suspension of
    the member is lifted (with the posts it hid)."""
    report = _moderated(session, actor, report_id)
    reason = _clean_note(reason, "reason")
    now = now or utcnow()
    post = session.get(Post, report.post_id) if report.post_id else None
    if post is not None and post.hidden_at is not None:
        _unhide(post)
        session.add(post)
    subject = session.get(User, report.subject_id) if report.subject_id else None
    if subject is not None and subject.suspended_at is not None:
        subject.suspended_at = subject.suspended_until = None
        session.add(subject)
        for held in session.exec(select(Post).where(Post.author_id == subject.id, Post.hidden_cause == "suspension")):
            _unhide(held)
            session.add(held)
    _resolve(session, actor, report, Outcome.RESTORED, reason, now)
    return report


# --- the queue ------------------------------------------------------------------------------

TABS = ("open", "mine", "resolved")


def _name(user: User | None) -> str:
    return DELETED_NAME if user is None or user.deleted_at is not None else user.display_name


def list_queue(*, session: Session, actor: User, tab: str = "open", limit: int = 50) -> list[QueueItem]:
    """Reports for `actor` to handle, oldest first: their municipality's (admins: all). One line per
    item and group; "mine" are those in progress with `actor`; "resolved" newest first."""
    permissions.check(actor, Action.MODERATE, "list_queue")
    tab = tab if tab in TABS else "open"
    query = select(Report)
    if not permissions.is_admin(actor):
        query = query.where(Report.municipality_id == actor.municipality_id)
    if tab == "open":
        query = query.where(Report.status == ReportStatus.OPEN.value).order_by(col(Report.created_at), col(Report.id))
    elif tab == "mine":
        query = query.where(Report.status == ReportStatus.IN_PROGRESS.value, Report.assignee_id == actor.id
                            ).order_by(col(Report.created_at), col(Report.id))
    else:
        query = query.where(Report.status == ReportStatus.RESOLVED.value).order_by(col(Report.resolved_at).desc())
    rows = session.exec(query.limit(500)).all()
    lines: list[Report] = []
    folded: dict[int, int] = {}
    reporters: dict[int, set[int]] = {}
    seen: dict[tuple[str, int, bool], int] = {}
    for report in rows:
        key = ("post", report.post_id, report.is_appeal) if report.post_id else ("conversation", report.conversation_id
                                                                                   or 0, report.is_appeal)
        group = report.group_id
        leader = seen.get(key)
        if leader is None and group is not None:
            leader = next((line.id for line in lines if line.id == group or line.group_id == group), None)
        if leader is None:
            seen[key] = report.id
            lines.append(report)
            reporters[report.id] = {report.reporter_id}
            folded[report.id] = 0
            continue
        if report.reporter_id in reporters[leader]:
            folded[leader] += 1
        reporters[leader].add(report.reporter_id)
    return [_queue_item(session, actor, r, len(reporters[r.id]), folded[r.id]) for r in lines[:limit]]


def _queue_item(session: Session, actor: User, report: Report, reporters: int, folded: int) -> QueueItem:
    post = session.get(Post, report.post_id) if report.post_id else None
    subject = session.get(User, report.subject_id) if report.subject_id else None
    assignee = session.get(User, report.assignee_id) if report.assignee_id else None
    messages: list[SharedMessage] = []
    ids = [int(i) for i in report.shared_message_ids.split(",") if i]
    if ids:
        rows = session.exec(select(Message, User.display_name).outerjoin(User, User.id == Message.sender_id)
                            .where(col(Message.id).in_(ids), Message.conversation_id == report.conversation_id)
                            .order_by(col(Message.id))).all()
        messages = [SharedMessage(id=m.id, sender_name=name or DELETED_NAME, body=m.body, created_at=m.created_at,
                                  reported=m.id == report.message_id) for m, name in rows]
    if post is None and report.conversation_id:
        conversation = session.get(Conversation, report.conversation_id)
        post = session.get(Post, conversation.post_id) if conversation else None
        post_hidden = post_held = False
    else:
        post_hidden = post is not None and post.hidden_at is not None
        post_held = post_hidden and post.hidden_cause == "hold"
    earlier = 0
    if report.subject_id is not None:
        # Independent reports about the same member and something else: a group counts once,
        # and the other reports of this very item are already counted as its reporters.
        same_item = (Report.post_id == report.post_id if report.post_id is not None
                     else Report.conversation_id == report.conversation_id)
        earlier = session.exec(select(func.count(sa.distinct(func.coalesce(Report.group_id, Report.id))))
                               .where(Report.subject_id == report.subject_id, Report.id != report.id,
                                      Report.is_appeal == sa.false(), sa.not_(same_item),
                                      func.coalesce(Report.group_id, Report.id) != (report.group_id or report.id))).one()
    return QueueItem(
        report_id=report.id, status=report.status, created_at=report.created_at, reason=report.reason,
        note=report.note, is_appeal=report.is_appeal, reporters=reporters, grouped=folded,
        assignee_name=_name(assignee) if assignee else "", mine=report.assignee_id == actor.id,
        outcome=report.outcome, post_id=post.id if post else None, post_title=post.title if post else "",
        post_body=post.body if post and report.post_id else "", post_hidden=post_hidden, post_held=post_held,
        conversation_id=report.conversation_id, subject_id=report.subject_id, subject_name=_name(subject),
        subject_suspended=subject is not None and subject.is_suspended, messages=messages,
        earlier_reports=earlier, history=_history(session, report),
    )


# --- what members see -----------------------------------------------------------------------

def list_notices(*, session: Session, user: User, locale: str = "nl") -> list[Notice]:
    """Warnings and outcomes `user` has not dismissed yet, oldest first, worded in `locale`."""
    if not permissions.is_member(user):
        return []
    rows = session.exec(select(MemberNotice).where(MemberNotice.user_id == user.id, col(MemberNotice.seen_at).is_(None))
                        .order_by(col(MemberNotice.id)).limit(20)).all()
    return [Notice(id=n.id, kind=n.kind, created_at=n.created_at,
                   text=n.text if n.kind == "warning" else gettext(OUTCOME_TEXTS.get(n.outcome, ""), locale,
                                                                   title=n.item_title))
            for n in rows]


def dismiss_notice(*, session: Session, user: User, notice_id: int, now: datetime | None = None) -> None:
    """`user` has read one of their own notices (anyone else's id changes nothing)."""
    notice = session.get(MemberNotice, notice_id) if isinstance(notice_id, int) else None
    if notice is None or notice.user_id != user.id:
        raise NotFound("notice")
    notice.seen_at = now or utcnow()
    session.add(notice)
    session.commit()


# --- reminders ------------------------------------------------------------------------------

def send_reminders(*, session: Session, now: datetime | None = None) -> int:
    """Mail the professionals of each municipality with reports open for more than 48 hours, once a
    day (a second run on the same day sends nothing). Returns how many mails went out."""
    now = now or utcnow()
    today: date = now.date()
    waiting = session.exec(select(Report.municipality_id, func.count()).where(
        col(Report.status).in_(OPEN), Report.created_at <= now - REMIND_AFTER,
        col(Report.municipality_id).is_not(None)).group_by(Report.municipality_id)).all()
    sent = 0
    base = get_settings().public_url.rstrip("/")
    for municipality_id, count in waiting:
        # Claim the day first: a second run, or a second worker, finds the key taken.
        session.add(ModerationReminder(municipality_id=municipality_id, day=today, sent_at=now))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        professionals = session.exec(select(User).where(
            User.role == Role.PROFESSIONAL.value, User.municipality_id == municipality_id)).all()
        for professional in professionals:
            if not professional.is_active or not professional.email:
                continue
            mail.send_mail(
                session=session, to=professional.email,
                subject=gettext(N_("Meldingen op BUUV wachten op je"), "nl"),
                body=gettext(N_("Hallo {name},\n\n{count} melding(en) wachten al langer dan 48 uur op "
                                "beoordeling. Bekijk ze op:\n{link}\n\nGroet,\nBUUV"), "nl",
                             name=professional.display_name, count=count, link=f"{base}{routes.MANAGE_REPORTS}"),
            )
            sent += 1
    return sent
