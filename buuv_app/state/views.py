"""View models sent to the browser: only public fields, texts ready in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from buuv_app import routes
from buuv_app.i18n import format_ago, format_date, gettext
from buuv_app.models import WhenKind
from buuv_app.services import codes
from buuv_app.services.posts import PostDetail, PostSummary, renewal_due
from buuv_app.settings import get_settings


@dataclass
class PostCardView:
    id: int
    url: str
    kind: str
    title: str
    excerpt: str
    category_slug: str
    category_icon: str
    category_nl: str
    category_en: str
    neighbourhood_name: str
    neighbourhood_url: str
    municipality_name: str
    author_name: str
    ago_nl: str
    ago_en: str
    is_demo: bool
    thumb_url: str = ""
    members_only: bool = False
    via_ambassador: str = ""  # placed for a neighbour by this ambassador
    verified_only: bool = False  # "alleen geverifieerde buren"
    author_verified: bool = False  # the ★ of a verified neighbour


@dataclass
class PostPageView(PostCardView):
    body: str = ""
    status: str = "open"
    date_nl: str = ""
    date_en: str = ""
    when_nl: str = ""
    when_en: str = ""
    expires_nl: str = ""
    expires_en: str = ""
    renewable: bool = False  # near its end (or past it): "Verlengen (nog nodig)" is offered
    short_code: str = ""
    share_url: str = ""
    photo_url: str = ""
    helped_by: str = ""
    thank_you: str = ""
    # Profiles (/buur/<id>, members only): "" where there is none to link to.
    author_url: str = ""
    ambassador_url: str = ""
    helped_by_url: str = ""
    # Hidden by moderation (only its author sees the page then): why, and whether they appealed.
    hidden_cause: str = ""
    hidden_reason: str = ""
    appealed: bool = False
    appeal_closed: bool = False


def card_view(post: PostSummary) -> PostCardView:
    return PostCardView(
        id=post.id,
        url=routes.post_url(post.id),
        kind=post.kind,
        title=post.title,
        excerpt=post.excerpt,
        category_slug=post.category_slug,
        category_icon=post.category_icon,
        category_nl=post.category_name_nl,
        category_en=post.category_name_en,
        neighbourhood_name=post.neighbourhood_name,
        neighbourhood_url=routes.neighbourhood_url(post.neighbourhood_slug),
        municipality_name=post.municipality_name,
        author_name=post.author_name,
        ago_nl=format_ago(post.created_at, "nl"),
        ago_en=format_ago(post.created_at, "en"),
        is_demo=post.is_demo,
        thumb_url=routes.photo_url(post.photo_key, thumbnail=True) if post.photo_key else "",
        members_only=post.visibility == "members",
        via_ambassador=post.via_ambassador,
        verified_only=post.visibility == "verified",
        author_verified=post.author_verified,
    )


def when_text(kind: str, start: date | None, end: date | None, locale: str) -> str:
    if kind == WhenKind.DATE and start:
        return gettext("Op {date}", locale, date=format_date(start, locale))
    if kind == WhenKind.PERIOD and start and end:
        return gettext("Van {start} tot en met {end}", locale, start=format_date(start, locale),
                       end=format_date(end, locale))
    return gettext("Flexibel, in overleg", locale)


def page_view(post: PostDetail) -> PostPageView:
    card = card_view(post)
    return PostPageView(
        **card.__dict__,
        body=post.body,
        status=post.status,
        date_nl=format_date(post.created_at, "nl"),
        date_en=format_date(post.created_at, "en"),
        when_nl=when_text(post.when_kind, post.when_start, post.when_end, "nl"),
        when_en=when_text(post.when_kind, post.when_start, post.when_end, "en"),
        expires_nl=format_date(post.expires_at, "nl") if post.expires_at else "",
        expires_en=format_date(post.expires_at, "en") if post.expires_at else "",
        renewable=renewal_due(post.expires_at),
        short_code=codes.display(post.short_code),
        share_url=f"{get_settings().public_url.rstrip('/')}{routes.post_url(post.id)}",
        photo_url=routes.photo_url(post.photo_key) if post.photo_key else "",
        helped_by=post.helped_by or "",
        thank_you=post.thank_you or "",
        author_url=routes.profile_url(post.author_profile_id) if post.author_profile_id else "",
        ambassador_url=routes.profile_url(post.ambassador_profile_id) if post.ambassador_profile_id else "",
        helped_by_url=routes.profile_url(post.helped_by_id) if post.helped_by_id else "",
        hidden_cause=post.hidden_cause or "",
        hidden_reason=post.hidden_reason or "",
        appealed=post.appealed,
        appeal_closed=post.appeal_closed,
    )
