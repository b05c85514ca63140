"""Permissions: who may edit posts and grant roles; refusals change nothing and are logged."""

from __future__ import annotations

import logging

import pytest

from buuv_app.errors import NotFound, PermissionDenied
from buuv_app.models import Post
from buuv_app.services import permissions, posts, roles
from buuv_app.services.permissions import Action
from tests.factories import (
    make_member,
    make_municipality,
    make_neighbourhood,
    make_post,
)


@pytest.fixture
def towns(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    leiderdorp = make_municipality(session, slug="leiderdorp", name="Leiderdorp")
    return {
        "leiden": leiden, "leiderdorp": leiderdorp,
        "merenwijk": make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk"),
        "oude-dorp": make_neighbourhood(session, leiderdorp, slug="oude-dorp", name="Oude Dorp"),
    }


def test_every_action_has_a_rule():
    assert set(permissions.RULES) == set(Action)


def test_anonymous_may_do_nothing_private():
    assert not any(permissions.allowed(None, action) for action in Action)


def test_cannot_edit_or_delete_another_members_post(session, towns, caplog):
    owner = make_member(session, towns["merenwijk"])
    intruder = make_member(session, towns["merenwijk"])
    post = make_post(session, author=owner, title="Origineel")
    with caplog.at_level(logging.WARNING, logger="buuv.security"):
        with pytest.raises(PermissionDenied):
            posts.update_post(session=session, actor=intruder, post_id=post.id, title="Gekaapt", body="x")
        with pytest.raises(PermissionDenied):
            posts.delete_post(session=session, actor=intruder, post_id=post.id)
    session.expire_all()
    assert session.get(Post, post.id).title == "Origineel"
    assert f"user={intruder.id}" in caplog.text and f"post={post.id}" in caplog.text


def test_author_edits_and_deletes_own_post(session, towns):
    owner = make_member(session, towns["merenwijk"])
    post = make_post(session, author=owner)
    posts.update_post(session=session, actor=owner, post_id=post.id, title="Nieuwe titel", body="Nieuwe tekst")
    assert session.get(Post, post.id).title == "Nieuwe titel"
    posts.delete_post(session=session, actor=owner, post_id=post.id)
    assert session.get(Post, post.id) is None


def test_editing_a_post_that_does_not_exist_says_not_found(session, towns):
    with pytest.raises(NotFound):
        posts.update_post(session=session, actor=make_member(session), post_id=99999, title="a", body="b")


def test_admin_makes_a_professional_for_a_municipality(session, towns):
    admin = make_member(session, towns["merenwijk"], role="admin")
    member = make_member(session, towns["merenwijk"])
    result = roles.set_role(session=session, actor=admin, target_id=member.id, role="professional",
                            municipality_slug="leiden")
    assert result.role == "professional"
    session.refresh(member)
    assert member.municipality_id == towns["leiden"].id


def test_professional_makes_ambassadors_only_in_their_own_municipality(session, towns):
    professional = make_member(session, towns["merenwijk"], role="professional",
                               municipality_id=towns["leiden"].id)
    neighbour = make_member(session, towns["merenwijk"])
    far_away = make_member(session, towns["oude-dorp"])
    assert roles.set_role(session=session, actor=professional, target_id=neighbour.id, role="ambassador").role == "ambassador"
    assert [m.id for m in roles.list_role_holders(session=session, actor=professional)] == [neighbour.id]
    with pytest.raises(PermissionDenied):
        roles.set_role(session=session, actor=professional, target_id=far_away.id, role="ambassador")
    assert roles.set_role(session=session, actor=professional, target_id=neighbour.id, role="resident").role == "resident"


@pytest.mark.parametrize("role", ["ambassador", "professional", "admin"])
def test_a_resident_cannot_grant_itself_or_others_a_role(session, towns, role):
    resident = make_member(session, towns["merenwijk"])
    other = make_member(session, towns["merenwijk"])
    for target in (resident, other):
        with pytest.raises(PermissionDenied):
            roles.set_role(session=session, actor=resident, target_id=target.id, role=role,
                           municipality_slug="leiden")
    session.refresh(resident)
    assert resident.role == "resident"


def test_nobody_makes_admins_in_the_app_and_nobody_changes_their_own_role(session, towns):
    admin = make_member(session, towns["merenwijk"], role="admin")
    member = make_member(session, towns["merenwijk"])
    with pytest.raises(PermissionDenied):
        roles.set_role(session=session, actor=admin, target_id=member.id, role="admin")
    with pytest.raises(PermissionDenied):
        roles.set_role(session=session, actor=admin, target_id=admin.id, role="resident")


def test_a_professional_cannot_make_professionals(session, towns):
    professional = make_member(session, towns["merenwijk"], role="professional",
                               municipality_id=towns["leiden"].id)
    member = make_member(session, towns["merenwijk"])
    with pytest.raises(PermissionDenied):
        roles.set_role(session=session, actor=professional, target_id=member.id, role="professional",
                       municipality_slug="leiden")


def test_looking_up_members_is_for_professionals_and_admins(session, towns):
    resident = make_member(session, towns["merenwijk"])
    make_member(session, towns["merenwijk"], email="zoek@example.org", display_name="Zoek Mij")
    with pytest.raises(PermissionDenied):
        roles.find_member(session=session, actor=resident, email="zoek@example.org")
    admin = make_member(session, towns["merenwijk"], role="admin")
    found = roles.find_member(session=session, actor=admin, email="ZOEK@example.org")
    assert found.display_name == "Zoek Mij" and not hasattr(found, "email")


def test_make_admin_from_the_command_line(session, towns):
    member = make_member(session, towns["merenwijk"], email="beheer@example.org")
    roles.make_admin(session=session, email="beheer@example.org")
    session.refresh(member)
    assert member.role == "admin"
