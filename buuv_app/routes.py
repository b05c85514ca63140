"""Route constants and URL builders: no route string is written inline anywhere else."""

from __future__ import annotations

from urllib.parse import urlencode

HOME = "/"
NEIGHBOURHOOD = "/buurt/[buurt]"
POST = "/hulp/[post_id]"
BROWSE = "/hulp"
NEW_POST = "/hulp/nieuw"
SHORT_CODE = "/c/[code]"
INBOX = "/berichten"
UNSUBSCRIBE = "/uitschrijven"
CONVERSATION = "/berichten/[conversation_id]"
# Post kinds as they read in a Dutch address bar.
KIND_WORDS = {"request": "vraag", "offer": "aanbod"}
NOT_FOUND = "404"
SIGN_UP = "/aanmelden"
CONFIRM = "/aanmelden/bevestigen"
LOGIN = "/inloggen"
FORGOT_PASSWORD = "/wachtwoord-vergeten"
RESET_PASSWORD = "/wachtwoord-herstellen"
ACCOUNT = "/account"
# "Buur geverifieerd": the wijk code from a board, messages from verified neighbours only; ambassadors
# confirm neighbours they met, professionals revoke (services/verification.py).
VERIFY = "/verifieer"
# A member's profile, for members only (services/profiles.py); edited in the account's "Over mij".
PROFILE = "/buur/[member_id]"
PROFILE_SETTINGS = "/account#over-mij"
# Every kind of mail and push, on one page (linked from each mail).
NOTIFICATION_SETTINGS = "/account#meldingen"
# One click from a mail's footer or its List-Unsubscribe header (RFC 8058): no login needed.
ONE_CLICK_UNSUBSCRIBE = "/api/uitschrijven"
HOUSE_RULES = "/huisregels"
PRIVACY = "/privacy"
MANAGE = "/beheer"  # the overview: figures for professionals and admins
MANAGE_AMBASSADORS = "/beheer/ambassadeurs"
MANAGE_PROFESSIONALS = "/beheer/professionals"
AMBASSADOR = "/ambassadeur"
NEW_NEIGHBOUR = "/ambassadeur/buur/nieuw"
NEIGHBOUR = "/ambassadeur/buur/[neighbour_id]"
INVITATION = "/uitnodiging"
# "Voor wie?" on the new-post form, chosen in advance: /hulp/nieuw?voor=<neighbour id>
FOR_NEIGHBOUR_PARAM = "voor"
BOARDS = "/prikborden"
BOARD = "/prikborden/[slug]"
MANAGE_BOARDS = "/beheer/prikborden"
MANAGE_REPORTS = "/beheer/meldingen"  # the moderation queue
# Ambassadors record reactions that came in on paper (beside the ambassador dashboard, /ambassadeur).
PAPER_REACTIONS = "/ambassadeur/prikborden"


def with_next(page: str, next_path: str | None = None) -> str:
    """`page` (login, sign-up, the confirmation link) carrying where to go after logging in."""
    next_path = (next_path or "").rstrip("/")  # static pages are served as /account/
    if not next_path or next_path in (LOGIN, SIGN_UP):
        return page
    return f"{page}{'&' if '?' in page else '?'}{urlencode({'next': next_path})}"


def login_url(next_path: str | None = None) -> str:
    """The login page, coming back to `next_path` afterwards."""
    return with_next(LOGIN, next_path)


def sign_up_url(next_path: str | None = None) -> str:
    """The sign-up page; the way in it starts leads back to `next_path`."""
    return with_next(SIGN_UP, next_path)


def neighbourhood_url(slug: str) -> str:
    return f"/buurt/{slug}"


def post_url(post_id: int) -> str:
    return f"/hulp/{post_id}"


def photo_url(key: str, thumbnail: bool = False) -> str:
    return f"/api/photos/{key}/thumb" if thumbnail else f"/api/photos/{key}"


def kind_from_word(word: str) -> str:
    return {v: k for k, v in KIND_WORDS.items()}.get((word or "").lower(), "")


def conversation_url(conversation_id: int) -> str:
    return f"/berichten/{conversation_id}"


def profile_url(user_id: int) -> str:
    return f"/buur/{user_id}"


def neighbour_url(neighbour_id: int) -> str:
    return f"/ambassadeur/buur/{neighbour_id}"


def new_post_for_url(neighbour_id: int, kind: str = "request") -> str:
    """The new-post form with the neighbour already chosen under "Voor wie?"."""
    return f"{NEW_POST}?{urlencode({'soort': KIND_WORDS.get(kind, 'vraag'), FOR_NEIGHBOUR_PARAM: neighbour_id})}"


# /c/<code>?bord=<slug>: the QR code on a board's sheet names the board, so visits count for it.
BOARD_PARAM = "bord"


def short_code_url(code: str, board_slug: str | None = None) -> str:
    """/c/BUUV-7K3FQ, the way to a post from paper (with the board it hangs on, for the QR code)."""
    return f"/c/{code}" + (f"?{urlencode({BOARD_PARAM: board_slug})}" if board_slug else "")


def board_url(slug: str) -> str:
    """A board's print-friendly page."""
    return f"/prikborden/{slug}"


def board_sheet_pdf_url(slug: str) -> str:
    """A board's current sheet as A4 PDF (a stable address)."""
    return f"/api/boards/{slug}/sheet.pdf"
