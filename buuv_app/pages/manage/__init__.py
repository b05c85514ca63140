"""The back office (/beheer): one module per page, for professionals and admins."""

from buuv_app.pages.manage import boards, reports, roles, stats

__all__ = ["boards", "reports", "roles", "stats"]
