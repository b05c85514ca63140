"""The back office (/beheer): one substate per page, for professionals and admins."""
