"""Route constants and URL builders: no route string is written inline anywhere else."""

from __future__ import annotations

from urllib.parse import urlencode

HOME = "/"
NEIGHBOURHOOD = "/buurt/[buurt]"
POST = "/hulp/[post_id]"
BROWSE = "/hulp"
NEW_POST = "/hulp/nieuw"
SHORT_CODE = "/c/[code]"
# Post kinds as they read in a Dutch address bar.
KIND_WORDS = {"request": "vraag", "offer": "aanbod"}
NOT_FOUND = "404"
SIGN_UP = "/aanmelden"
CONFIRM = "/aanmelden/bevestigen"
LOGIN = "/inloggen"
FORGOT_PASSWORD = "/wachtwoord-vergeten"
RESET_PASSWORD = "/wachtwoord-herstellen"
ACCOUNT = "/account"
HOUSE_RULES = "/huisregels"
PRIVACY = "/privacy"
MANAGE_AMBASSADORS = "/beheer/ambassadeurs"
MANAGE_PROFESSIONALS = "/beheer/professionals"


def login_url(next_path: str | None = None) -> str:
    """The login page, coming back to `next_path` afterwards."""
    next_path = (next_path or "").rstrip("/")  # static pages are served as /account/
    if not next_path or next_path == LOGIN:
        return LOGIN
    return f"{LOGIN}?{urlencode({'next': next_path})}"


def neighbourhood_url(slug: str) -> str:
    return f"/buurt/{slug}"


def post_url(post_id: int) -> str:
    return f"/hulp/{post_id}"


def photo_url(key: str, thumbnail: bool = False) -> str:
    return f"/api/photos/{key}/thumb" if thumbnail else f"/api/photos/{key}"


def feed_url(base: str, *, kind: str = "", category: str = "", query: str = "", municipality: str = "",
             neighbourhoods: list[str] | tuple[str, ...] = ()) -> str:
    """A shareable address for a filtered feed: /hulp?soort=vraag&categorie=tuin&q=..."""
    params = {
        "soort": KIND_WORDS.get(kind, ""),
        "categorie": category,
        "q": query,
        "gemeente": municipality,
        "buurten": ",".join(neighbourhoods),
    }
    encoded = urlencode({key: value for key, value in params.items() if value})
    return f"{base}?{encoded}" if encoded else base


def kind_from_word(word: str) -> str:
    return {v: k for k, v in KIND_WORDS.items()}.get((word or "").lower(), "")
