"""Shared devices, server side: whose data a device holds, which outbox items may go out under
whom, and a tab that stops receiving a member's messages."""

from __future__ import annotations

from buuv_app.services import messaging, sessions
from buuv_app.state.base import written_by
from tests.factories import make_member, make_neighbourhood


def test_the_device_marker_names_one_account(session):
    area = make_neighbourhood(session)
    truus, henk = make_member(session, area), make_member(session, area)
    assert sessions.device_marker(truus.id) == sessions.device_marker(truus.id)
    assert sessions.device_marker(truus.id) != sessions.device_marker(henk.id)
    assert len(sessions.device_marker(truus.id)) == 32  # an HMAC under the secret key, not the id


def test_an_outbox_item_goes_out_only_under_the_member_who_wrote_it(session):
    area = make_neighbourhood(session)
    truus, henk = make_member(session, area), make_member(session, area)
    hers = {"client_id": "a", "member": sessions.device_marker(truus.id)}
    assert written_by(truus, hers)
    assert not written_by(henk, hers)
    assert not written_by(henk, {"member": ""}) and not written_by(henk, {"member": {"id": henk.id}})
    assert written_by(henk, {"client_id": "b"})  # a direct call: the caller's own


def test_a_forgotten_tab_gets_no_more_pushes(session):
    area = make_neighbourhood(session)
    truus = make_member(session, area)
    messaging.note_live_view(session=session, user=truus, client_token="tab-1")
    messaging.note_live_view(session=session, user=truus, client_token="tab-2")
    messaging.forget_live_view(session=session, client_token="tab-1")
    assert [token for token, *_ in messaging.live_views(session=session, user_id=truus.id)] == ["tab-2"]
