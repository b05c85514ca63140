"""One permission model: a predicate per action, and check_* that refuse and log.

State handlers declare the action they need with `@guarded(Action.X)` (buuv_app.state.access)
or say they are `@public`,
which calls `allowed()` before the handler runs; object-level rules (is this *your* post?) are
checked again by the services with the check_* functions below. HTTP routes under /api call the
same functions. A refusal changes nothing and is logged with who tried what.

Who may read a post is a query condition instead, so feeds, sheets, pages and photos filter in the
database with one rule: posts.readable_by (with posts.check_can_read_post for a single post).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from buuv_app.errors import PermissionDenied
from buuv_app.models import BoardLocation, Conversation, Neighbour, Neighbourhood, Post, Role, User

log = logging.getLogger("buuv.security")


ACCESS_ATTRIBUTE = "_buuv_access"
PUBLIC = "public"


def public(fn: Callable) -> Callable:
    """Anyone may call this (event handler or HTTP route), with any arguments; it must not read
    or change private data."""
    setattr(fn, ACCESS_ATTRIBUTE, PUBLIC)
    return fn


def access_of(fn: Callable) -> str | None:
    """PUBLIC, the Action a handler is guarded by, or None when it says nothing."""
    return getattr(fn, ACCESS_ATTRIBUTE, None)


class Action(StrEnum):
    MANAGE_OWN_ACCOUNT = "manage_own_account"      # profile, password, export, delete
    MANAGE_OWN_POSTS = "manage_own_posts"          # edit, close, delete your own posts
    USE_MESSAGES = "use_messages"                  # reply to posts, your own conversations
    MANAGE_AMBASSADORS = "manage_ambassadors"      # professional: grant/revoke ambassador
    MANAGE_PROFESSIONALS = "manage_professionals"  # admin: grant/revoke professional
    ACT_AS_AMBASSADOR = "act_as_ambassador"        # neighbours, posting for them, paper reactions
    MANAGE_BOARDS = "manage_boards"                # professional: board locations and their figures
    VIEW_STATS = "view_stats"                      # professional (own municipality), admin (all): /beheer
    REPORT = "report"                              # report a post, conversation or message; appeal
    MODERATE = "moderate"                          # professional (own municipality), admin (all): the queue
    VIEW_PROFILES = "view_profiles"                # members read each other's profiles (/buur/<id>)


def is_member(user: User | None) -> bool:
    return user is not None and user.is_active


def is_professional(user: User | None) -> bool:
    return is_member(user) and user.role == Role.PROFESSIONAL.value and user.municipality_id is not None


def is_admin(user: User | None) -> bool:
    return is_member(user) and user.role == Role.ADMIN.value


def is_professional_or_admin(user: User | None) -> bool:
    return is_professional(user) or is_admin(user)


def is_ambassador(user: User | None) -> bool:
    """Ambassadors, and the professionals and admins above them, may do ambassador work; which
    neighbours or boards is checked per object by the services."""
    return is_member(user) and user.role in (Role.AMBASSADOR.value, Role.PROFESSIONAL.value, Role.ADMIN.value)


RULES: dict[Action, Callable[[User | None], bool]] = {
    Action.MANAGE_OWN_ACCOUNT: is_member,
    Action.MANAGE_OWN_POSTS: is_member,
    Action.USE_MESSAGES: is_member,
    Action.MANAGE_AMBASSADORS: is_professional,
    Action.MANAGE_PROFESSIONALS: is_admin,
    Action.ACT_AS_AMBASSADOR: is_ambassador,
    Action.MANAGE_BOARDS: is_professional,
    Action.VIEW_STATS: is_professional_or_admin,
    Action.REPORT: is_member,
    Action.MODERATE: is_professional_or_admin,
    Action.VIEW_PROFILES: is_member,
}


def allowed(user: User | None, action: Action) -> bool:
    return RULES[action](user)


def refuse(user: User | None, action: str, detail: str = "") -> PermissionDenied:
    """Log a refused attempt and return the error to raise."""
    who = f"user={user.id} role={user.role}" if user is not None else "anonymous"
    log.warning("refused %s for %s %s", action, who, detail)
    return PermissionDenied(action)


def check(user: User | None, action: Action | tuple[Action, ...], detail: str = "") -> User:
    """The service-side twin of @guarded: `user` if allowed to do `action` (or one of several),
    otherwise the refusal is logged and raised. Object-level rules have check_* functions below."""
    actions = action if isinstance(action, tuple) else (action,)
    if not any(allowed(user, a) for a in actions):
        raise refuse(user, "|".join(actions), detail)
    return user


def can_edit_post(user: User | None, post: Post) -> bool:
    return is_member(user) and post.author_id == user.id


def check_can_edit_post(user: User | None, post: Post) -> None:
    if not can_edit_post(user, post):
        raise refuse(user, "edit_post", f"post={post.id} author={post.author_id}")


def can_set_role(actor: User | None, target: User, role: str, target_home: Neighbourhood | None) -> bool:
    """Admins make and unmake professionals; professionals make and unmake ambassadors among the
    residents of their own municipality. Nobody changes their own role here, nobody makes admins."""
    if not is_member(actor) or not is_member(target) or actor.id == target.id:
        return False
    if is_admin(actor):
        return role in (Role.PROFESSIONAL, Role.RESIDENT) and target.role in (
            Role.RESIDENT, Role.AMBASSADOR, Role.PROFESSIONAL)
    if is_professional(actor):
        in_my_town = target_home is not None and target_home.municipality_id == actor.municipality_id
        return in_my_town and role in (Role.AMBASSADOR, Role.RESIDENT) and target.role in (
            Role.RESIDENT, Role.AMBASSADOR)
    return False


def check_can_set_role(actor: User | None, target: User, role: str, target_home: Neighbourhood | None) -> None:
    if role not in {r.value for r in Role} or not can_set_role(actor, target, role, target_home):
        raise refuse(actor, f"set_role:{role}", f"target={target.id}")


def can_read_conversation(user: User | None, conversation: Conversation) -> bool:
    """Only its two participants read or write in a conversation."""
    return is_member(user) and user.id in (conversation.responder_id, conversation.contact_id)


def check_can_read_conversation(user: User | None, conversation: Conversation) -> None:
    if not can_read_conversation(user, conversation):
        raise refuse(user, "read_conversation", f"conversation={conversation.id}")


def check_same_conversation(user: User | None, stored_in: int, conversation: Conversation) -> None:
    """A message id made on a device names one message in one conversation: sending it again into
    another conversation is refused."""
    if stored_in != conversation.id:
        raise refuse(user, "reuse_client_id", f"conversation={conversation.id}")


def can_view_municipality(user: User | None, municipality_id: int | None) -> bool:
    """The back office's figures: admins of every municipality (None: all together), professionals
    of their own."""
    return is_admin(user) or (is_professional(user) and municipality_id == user.municipality_id)


def check_can_view_municipality(user: User | None, municipality_id: int | None) -> None:
    if not can_view_municipality(user, municipality_id):
        raise refuse(user, "view_stats", f"municipality={municipality_id}")


def can_act_for_neighbour(user: User | None, neighbour: Neighbour) -> bool:
    """Only the neighbour's own ambassador posts for them, edits them or invites them."""
    return is_ambassador(user) and neighbour.ambassador_id == user.id


def check_can_act_for_neighbour(user: User | None, neighbour: Neighbour) -> None:
    if not can_act_for_neighbour(user, neighbour):
        raise refuse(user, "act_for_neighbour", f"neighbour={neighbour.id} ambassador={neighbour.ambassador_id}")


def can_see_neighbour(user: User | None, neighbour: Neighbour, municipality_id: int | None) -> bool:
    """A neighbour's contact details: their ambassador, and the professionals of the municipality
    the neighbour lives in (`municipality_id`). Nobody else, admins included."""
    if can_act_for_neighbour(user, neighbour):
        return True
    return is_professional(user) and municipality_id is not None and user.municipality_id == municipality_id


def check_can_see_neighbour(user: User | None, neighbour: Neighbour, municipality_id: int | None) -> None:
    if not can_see_neighbour(user, neighbour, municipality_id):
        raise refuse(user, "see_neighbour", f"neighbour={neighbour.id}")


def can_manage_board(user: User | None, board: BoardLocation) -> bool:
    """Professionals edit the boards of their own municipality."""
    return is_professional(user) and board.municipality_id == user.municipality_id


def check_can_manage_board(user: User | None, board: BoardLocation) -> None:
    if not can_manage_board(user, board):
        raise refuse(user, "manage_board", f"board={board.id}")


def check_can_record_paper_reaction(user: User | None, board: BoardLocation, keeper_ids: set[int]) -> None:
    if not can_record_paper_reaction(user, board, keeper_ids):
        raise refuse(user, "record_paper_reaction", f"board={board.id}")


def can_record_paper_reaction(user: User | None, board: BoardLocation, keeper_ids: set[int]) -> bool:
    """A reaction that came in through a board is recorded by an ambassador who keeps that board,
    or by a professional of its municipality (who coaches them and stands in for them)."""
    if not is_member(user):
        return False
    if user.role == Role.AMBASSADOR.value:
        return user.id in keeper_ids
    return can_manage_board(user, board)


def can_moderate(user: User | None, municipality_id: int | None) -> bool:
    """A report is handled by the professionals of the municipality it is about, and by admins."""
    return is_admin(user) or (is_professional(user) and municipality_id is not None
                              and municipality_id == user.municipality_id)


def check_can_moderate(user: User | None, municipality_id: int | None, detail: str = "") -> None:
    if not can_moderate(user, municipality_id):
        raise refuse(user, "moderate", f"municipality={municipality_id} {detail}")
