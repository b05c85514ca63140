"""View models sent to the browser: only public fields, texts ready in both languages."""

from __future__ import annotations

from dataclasses import dataclass

from buuv_app import routes
from buuv_app.i18n import format_ago, format_date
from buuv_app.services.posts import PostDetail, PostSummary


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


@dataclass
class PostPageView(PostCardView):
    body: str = ""
    status: str = "open"
    date_nl: str = ""
    date_en: str = ""


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
    )


def page_view(post: PostDetail) -> PostPageView:
    card = card_view(post)
    return PostPageView(
        **card.__dict__,
        body=post.body,
        status=post.status,
        date_nl=format_date(post.created_at, "nl"),
        date_en=format_date(post.created_at, "en"),
    )
