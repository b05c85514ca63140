"""Member profiles: who sees them, what they count, what an introduction and a photo may be, and
"wie hielp?" chosen only from the people the author talked to about the post."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import Session

from buuv_app.errors import NotFound, PermissionDenied, ValidationError
from buuv_app.i18n import format_month
from buuv_app.models import Post, User, Visibility, utcnow
from buuv_app.services import photos, posts, profiles
from tests.factories import make_conversation, make_member, make_neighbourhood, make_post, make_user


@pytest.fixture(autouse=True)
def uploads(tmp_path, monkeypatch):
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (80, 60), "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 9.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "SpyCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def matched(session: Session, post: Post, *, helper: User | None = None, name: str = "", thanks: str = ""):
    """`post`'s author marks it matched, naming `helper` (after a conversation) or a typed-in name."""
    if helper is not None:
        make_conversation(session, post, helper)
    author = session.get(User, post.author_id)
    return posts.mark_matched(session=session, actor=author, post_id=post.id, helped_by=name, thank_you=thanks,
                              helped_by_id=helper.id if helper else None)


@pytest.fixture
def people(session: Session):
    wijk = make_neighbourhood(session, name="De Kooi")
    return {"ans": make_member(session, wijk, display_name="Ans"), "bob": make_member(session, wijk, display_name="Bob"),
            "cor": make_member(session, wijk, display_name="Cor"), "wijk": wijk}


# --- counts -----------------------------------------------------------------------------------

def test_a_request_matched_with_a_chosen_helper_counts_once_for_each_side(session, people):
    ans, bob = people["ans"], people["bob"]
    matched(session, make_post(session, author=ans, kind="request"), helper=bob)
    assert profiles.count_as_helper(session=session, user_id=bob.id) == 1
    assert profiles.count_as_helped(session=session, user_id=ans.id) == 1
    assert profiles.count_as_helper(session=session, user_id=ans.id) == 0
    assert profiles.count_as_helped(session=session, user_id=bob.id) == 0


def test_an_offer_matched_with_a_chosen_member_counts_the_author_as_helper(session, people):
    ans, bob = people["ans"], people["bob"]
    matched(session, make_post(session, author=ans, kind="offer"), helper=bob)
    assert profiles.count_as_helper(session=session, user_id=ans.id) == 1
    assert profiles.count_as_helped(session=session, user_id=bob.id) == 1
    assert profiles.count_as_helped(session=session, user_id=ans.id) == 0
    assert profiles.count_as_helper(session=session, user_id=bob.id) == 0


def test_a_typed_in_helper_counts_for_the_asker_but_credits_nobody(session, people):
    ans = people["ans"]
    matched(session, make_post(session, author=ans, kind="request"), name="Mevrouw van nummer 8")
    matched(session, make_post(session, author=ans, kind="offer"), name="Mijn buurjongen")
    assert profiles.count_as_helped(session=session, user_id=ans.id) == 1  # the request only
    assert profiles.count_as_helper(session=session, user_id=ans.id) == 0  # an offer's self-claim counts not


def test_matches_without_anyone_named_open_posts_demo_and_deleted_posts_do_not_count(session, people):
    ans, bob = people["ans"], people["bob"]
    matched(session, make_post(session, author=ans, kind="request"))  # nobody named
    make_post(session, author=ans, kind="request", helped_by_id=bob.id)  # still open
    make_post(session, author=ans, kind="request", status="matched", helped_by_id=bob.id, is_demo=True)
    gone = make_post(session, author=ans, kind="request")
    matched(session, gone, helper=bob)
    posts.delete_post(session=session, actor=ans, post_id=gone.id)  # talked about: emptied, not removed
    assert session.get(Post, gone.id).helped_by_id is None
    assert profiles.count_as_helper(session=session, user_id=bob.id) == 0
    assert profiles.count_as_helped(session=session, user_id=ans.id) == 0


def test_thank_yous_about_the_member_follow_the_posts_own_reading_rule(session, people):
    ans, bob, cor = people["ans"], people["bob"], people["cor"]
    matched(session, make_post(session, author=ans, title="Boodschappen"), helper=bob, thanks="Bob is een schat!")
    closed = make_post(session, author=cor, title="Gordijnen")
    matched(session, closed, helper=bob, thanks="Dank je, Bob")
    posts.close_post(session=session, actor=cor, post_id=closed.id)  # no longer public: its thanks go too
    matched(session, make_post(session, author=cor, title="Lamp"), helper=bob)  # no thank-you written
    thanks = profiles.list_thanks(session=session, user_id=bob.id, viewer=cor)
    assert [(t.text, t.author_name, t.post_title) for t in thanks] == [("Bob is een schat!", "Ans", "Boodschappen")]
    assert profiles.list_thanks(session=session, user_id=ans.id, viewer=cor) == []


# --- who has a profile, who reads one ----------------------------------------------------------

def test_a_member_reads_another_members_profile_with_wijk_and_member_since(session, people):
    ans, bob = people["ans"], people["bob"]
    bob.created_at = utcnow().replace(year=2025, month=3, day=14)
    session.add(bob)
    session.commit()
    profile = profiles.get_profile(session=session, viewer=ans, user_id=bob.id)
    assert (profile.first_name, profile.neighbourhood_name, profile.verified) == ("Bob", "De Kooi", False)
    assert format_month(profile.member_since, "nl") == "maart 2025"
    assert format_month(profile.member_since, "en") == "March 2025"
    assert not hasattr(profile, "email")


def test_a_visitor_is_refused_a_profile(session, people):
    with pytest.raises(PermissionDenied):
        profiles.get_profile(session=session, viewer=None, user_id=people["bob"].id)


@pytest.mark.parametrize("change", ["deleted", "suspended", "demo", "unconfirmed"])
def test_deleted_suspended_demo_and_unconfirmed_accounts_have_no_profile(session, people, change):
    bob = people["bob"]
    if change == "deleted":
        bob.deleted_at = utcnow()
    elif change == "suspended":
        bob.suspended_at = utcnow()
    elif change == "demo":
        bob.is_demo = True
    else:
        bob.email_verified_at = None
    session.add(bob)
    session.commit()
    with pytest.raises(NotFound):
        profiles.get_profile(session=session, viewer=people["ans"], user_id=bob.id)


@pytest.mark.parametrize("hostile", [999_999, -1, 0, "1", None, True, 1.5, [1], {"id": 1}])
def test_unknown_or_malformed_ids_are_not_found(session, people, hostile):
    with pytest.raises(NotFound):
        profiles.get_profile(session=session, viewer=people["ans"], user_id=hostile)


# --- introduction and photo ------------------------------------------------------------------

def test_an_introduction_is_saved_as_plain_text(session, people):
    ans = people["ans"]
    profiles.update_intro(session=session, actor=ans, intro="  Ik ben Ans, ik woon hier sinds 1974.\r\nIk brei graag.  ")
    assert session.get(User, ans.id).intro == "Ik ben Ans, ik woon hier sinds 1974.\nIk brei graag."
    profiles.update_intro(session=session, actor=ans, intro="")
    assert session.get(User, ans.id).intro is None


@pytest.mark.parametrize("bad, message", [
    ("x" * 10_000, "Je introductie mag hoogstens 500 tekens lang zijn."),
    ("x" * 501, "Je introductie mag hoogstens 500 tekens lang zijn."),
    ("Hoi <script>alert(1)</script>", profiles.NO_HTML),
    ("Kijk op <a href='https://evil.example'>mijn site</a>", profiles.NO_HTML),
    ("<!-- verstopt -->", profiles.NO_HTML),
    ("&lt;b&gt;", profiles.NO_HTML),
])
def test_a_long_or_html_introduction_is_refused_and_nothing_is_saved(session, people, bad, message):
    ans = people["ans"]
    profiles.update_intro(session=session, actor=ans, intro="Eerdere tekst")
    with pytest.raises(ValidationError) as refused:
        profiles.update_intro(session=session, actor=ans, intro=bad)
    assert refused.value.field == "intro"
    assert refused.value.message.format(**refused.value.params) == message
    session.expire_all()
    assert session.get(User, ans.id).intro == "Eerdere tekst"


def test_plain_comparisons_are_not_mistaken_for_html(session, people):
    profiles.update_intro(session=session, actor=people["ans"], intro="Ik ben 3 < 4 keer per week thuis & help graag")
    assert session.get(User, people["ans"].id).intro.startswith("Ik ben 3 < 4")


def test_a_profile_photo_is_re_encoded_without_exif_and_replaces_the_old_one(session, people, uploads):
    ans = people["ans"]
    first = profiles.set_photo(session=session, actor=ans, data=jpeg_with_gps()).photo_key
    stored = Image.open(photos.photo_path(first))
    assert stored.format == "JPEG" and not stored.getexif()
    second = profiles.set_photo(session=session, actor=ans, data=jpeg_with_gps()).photo_key
    assert second != first and photos.photo_path(first) is None and photos.photo_path(second) is not None
    profiles.remove_photo(session=session, actor=ans)
    assert session.get(User, ans.id).photo_key is None and photos.photo_path(second) is None


def test_a_file_that_is_not_an_image_is_refused_and_the_old_photo_stays(session, people, uploads):
    ans = people["ans"]
    key = profiles.set_photo(session=session, actor=ans, data=jpeg_with_gps()).photo_key
    with pytest.raises(ValidationError) as refused:
        profiles.set_photo(session=session, actor=ans, data=b"%PDF-1.4 dit is geen foto")
    assert refused.value.message == "Dit bestand is geen foto. Kies een JPEG-, PNG- of WebP-bestand."
    session.expire_all()
    assert session.get(User, ans.id).photo_key == key
    assert sorted(p.name for p in uploads.iterdir()) == sorted([f"{key}.jpg", f"{key}_thumb.jpg"])


def test_a_profile_photo_reaches_members_only_and_survives_the_orphan_sweep(session, people, uploads):
    ans = people["ans"]
    key = profiles.set_photo(session=session, actor=ans, data=jpeg_with_gps()).photo_key
    assert posts.photo_access(session=session, key=key, viewer=people["bob"]) == posts.PHOTO_MEMBERS
    assert posts.photo_access(session=session, key=key, viewer=None) is None
    assert photos.sweep_orphans(session=session, older_than_seconds=0) == 0
    assert photos.photo_path(key) is not None
    ans.suspended_at = utcnow()
    session.add(ans)
    session.commit()
    assert posts.photo_access(session=session, key=key, viewer=people["bob"]) is None


# --- "wie hielp?" ---------------------------------------------------------------------------

def test_the_helper_choices_are_the_people_who_wrote_about_this_post(session, people):
    ans, bob, cor = people["ans"], people["bob"], people["cor"]
    post = make_post(session, author=ans)
    make_conversation(session, post, bob)
    make_conversation(session, make_post(session, author=ans), cor)  # about another post
    assert [c.name for c in profiles.helper_choices(session=session, actor=ans, post_id=post.id)] == ["Bob"]


def test_only_someone_from_the_conversations_can_be_named_and_nothing_changes_otherwise(session, people):
    ans, bob, cor = people["ans"], people["bob"], people["cor"]
    post = make_post(session, author=ans)
    make_conversation(session, post, bob)
    for stranger in (cor.id, ans.id, 999_999, "2", True):
        with pytest.raises(ValidationError) as refused:
            posts.mark_matched(session=session, actor=ans, post_id=post.id, helped_by_id=stranger)
        assert refused.value.field == "helped_by_id"
    session.expire_all()
    assert session.get(Post, post.id).status == "open"
    done = posts.mark_matched(session=session, actor=ans, post_id=post.id, helped_by_id=bob.id, helped_by="genegeerd")
    assert (done.helped_by_id, done.helped_by) == (bob.id, "Bob")


def test_someone_elses_post_gives_no_helper_choices(session, people):
    ans, cor = people["ans"], people["cor"]
    post = make_post(session, author=ans)
    make_conversation(session, post, cor)
    with pytest.raises(PermissionDenied):
        profiles.helper_choices(session=session, actor=cor, post_id=post.id)
    with pytest.raises(PermissionDenied):
        posts.mark_matched(session=session, actor=cor, post_id=post.id, helped_by_id=cor.id)
    with pytest.raises(NotFound):
        profiles.helper_choices(session=session, actor=cor, post_id=10**9)


def test_deleting_the_account_erases_introduction_and_photo(session, people, uploads):
    from buuv_app.services import accounts

    ans = people["ans"]
    profiles.update_intro(session=session, actor=ans, intro="Ik ben Ans.")
    key = profiles.set_photo(session=session, actor=ans, data=jpeg_with_gps()).photo_key
    accounts.delete_account(session=session, user=session.get(User, ans.id), password="een lange zin om te onthouden")
    stored = session.get(User, ans.id)
    assert (stored.intro, stored.photo_key) == (None, None)
    assert photos.photo_path(key) is None
