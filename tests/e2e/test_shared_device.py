"""Scenario: one computer in the library, used by one neighbour after another. When a member's
session ends (they log out, or it expires on the server), nothing of theirs reaches the next
person: not on the page, not over the websocket, not in the browser's storage; and what they had
queued on the device is never placed under the next member's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from buuv_app.models import AuthSession, Post, utcnow
from buuv_app.services import messaging
from tests.e2e.auth import create_member, log_in, start_talk
from tests.e2e.device import wait_until_cache_gone

pytestmark = pytest.mark.e2e

SECRET = "De sleutel ligt onder de bloempot bij nummer 12"

# Everything the browser keeps for this site: both storages, every IndexedDB database's records,
# and every Cache Storage entry (its address and, for text, its body).
DEVICE_TEXT = """async () => {
    const out = [];
    for (const storage of [localStorage, sessionStorage]) {
        for (let i = 0; i < storage.length; i++) out.push(storage.key(i), storage.getItem(storage.key(i)));
    }
    for (const info of await indexedDB.databases()) {
        const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open(info.name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        for (const name of db.objectStoreNames) {
            out.push(name, JSON.stringify(await new Promise((resolve) => {
                const request = db.transaction(name).objectStore(name).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => resolve([]);
            })));
        }
        db.close();
    }
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            out.push(request.url);
            const response = await cache.match(request);
            // The app's own build files (precached at install, the same for everyone) are only listed.
            if (name.startsWith("buuv-shell-") || /image|font|wasm/.test(response.headers.get("content-type") || "")) continue;
            out.push(await response.text());
        }
    }
    return out.join("\\n");
}"""

# A member's data as the app and the service worker could keep it, so the wipe is tested on all of
# it (the app itself keeps offline copies and outbox items in localStorage).
SEED_PRIVATE = """async (secret) => {
    await (await caches.open("buuv-user-v1")).put("/api/mine", new Response(secret));
    await new Promise((resolve, reject) => {
        const request = indexedDB.open("buuv-offline", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("notes", { autoIncrement: true });
        request.onsuccess = () => {
            const tx = request.result.transaction("notes", "readwrite");
            tx.objectStore("notes").add({ text: secret });
            tx.oncomplete = () => { request.result.close(); resolve(); };
        };
        request.onerror = reject;
    });
}"""


def record_frames(page: Page) -> list[str]:
    """Every websocket frame the page receives, in order (also over reconnects and new pages)."""
    frames: list[str] = []

    def watch(socket) -> None:
        socket.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, str) else payload.decode("utf-8", "replace")))

    page.on("websocket", watch)
    return frames


def end_sessions_on_the_server(db, user_id: int) -> None:
    """As if the member's session ran out while the browser stayed open (cookie still there)."""
    db.rollback()
    for auth in db.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all():
        auth.expires_at = utcnow() - timedelta(minutes=1)
        db.add(auth)
    db.commit()


def device_holds(page: Page, *texts: str) -> list[str]:
    kept = page.evaluate(DEVICE_TEXT)
    return [text for text in texts if text in kept]


@pytest.mark.parametrize("ending", ["logout", "expiry"])
def test_the_next_person_at_a_shared_computer_sees_nothing_of_the_member_before(page: Page, app_db, ending):
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Wie geeft mijn planten water?", body="Twee weken in juli.",
        category="klussen")
    messaging.send_message(session=app_db, user=helper, conversation_id=conversation.id,
                           client_id="henk-device-0001", body=SECRET)
    frames = record_frames(page)
    conversation_path = f"/berichten/{conversation.id}"

    # Truus reads her message and her account page at the library.
    log_in(page, author.email)
    page.goto(conversation_path)
    expect(page.locator("#chat-messages")).to_contain_text(SECRET)
    # The device keeps a copy for reading offline, once the page has settled.
    page.wait_for_function(f"Object.keys(buuvOffline.pages()).includes({conversation_path!r})")
    page.goto("/account")
    expect(page.get_by_text(author.email)).to_be_visible()
    page.wait_for_function("Object.keys(buuvOffline.pages()).includes('/account')")
    page.evaluate(SEED_PRIVATE, SECRET)
    # The device really kept them, and they really came over the websocket.
    assert device_holds(page, SECRET, author.email) == [SECRET, author.email]
    assert any(SECRET in frame for frame in frames) and any(author.email in frame for frame in frames)

    if ending == "logout":
        ended_at = len(frames)
        page.get_by_role("button", name="Uitloggen").click()
        expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    else:
        # She walks away; later her session runs out on the server. The tab stays as it was.
        ended_at = len(frames)
        end_sessions_on_the_server(app_db, author.id)

    # The next person opens the home page, her conversation's address, the account and the inbox.
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    page.wait_for_function("localStorage.getItem('buuv:member') === null")
    assert SECRET not in page.content() and author.email not in page.content()
    for path in (conversation_path, "/account", "/berichten"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
        assert SECRET not in page.content() and author.email not in page.content()
    # The wipe is done once the service worker's private cache is gone too.
    wait_until_cache_gone(page, "buuv-user-v1")
    assert device_holds(page, SECRET, author.email) == []
    after = "".join(frames[ended_at:])
    assert SECRET not in after and author.email not in after


@pytest.mark.parametrize("ending", ["expiry", "revoked"])
def test_a_request_queued_by_one_member_is_never_placed_under_the_next(page: Page, app_db, ending):
    first = create_member(app_db, display_name="Riet")
    second = create_member(app_db, display_name="Bas")
    title = "Wie haalt woensdag mijn recepten op?"
    log_in(page, first.email)
    page.goto("/hulp/nieuw")
    expect(page.locator("[data-category]").first).to_be_visible()
    page.wait_for_function("localStorage.getItem('buuv:newpost-choices') !== null")  # kept for offline

    # Offline, Riet writes a request: it waits on the device.
    page.context.set_offline(True)
    view = page.locator("#offline-view")
    view.get_by_label("Waarmee?").select_option("boodschappen")
    view.get_by_label("Titel").fill(title)
    view.get_by_label("Beschrijving").fill("Bij de apotheek aan de Breestraat.")
    view.get_by_role("button", name="Plaatsen zodra er verbinding is").click()
    expect(view.locator(".offline-outbox-status")).to_contain_text("wacht op verbinding")
    assert title in page.evaluate("localStorage.getItem('buuv:outbox:posts')")

    # Her session ends before the connection is back: it runs out, or she logged out everywhere
    # from her phone. The library's computer is online again; the next person opens BUUV.
    if ending == "expiry":
        end_sessions_on_the_server(app_db, first.id)
    else:
        app_db.rollback()
        for auth in app_db.exec(select(AuthSession).where(AuthSession.user_id == first.id)).all():
            app_db.delete(auth)
        app_db.commit()
    # Her tab is closed first: left open, it would reconnect by itself once the line is back, find
    # her session gone and wipe the device there and then, showing the notice on her page instead
    # of the next person's (CI saw that race).
    page.goto("about:blank")
    page.context.set_offline(False)
    page.goto("/")
    # What Riet queued is gone from the device, with a notice that it did not go out.
    expect(page.locator("#device-notice")).to_contain_text("is niet verstuurd en verwijderd")
    page.wait_for_function("localStorage.getItem('buuv:member') === null"
                           " && localStorage.getItem('buuv:outbox:posts') === null")
    page.locator("#device-notice").get_by_role("button", name="Sluiten").click()
    expect(page.locator("#device-notice")).to_have_count(0)

    # Bas logs in on that browser. Whatever the page handed the server before the wipe has been
    # handled once his account page has loaded (one tab's events are handled in order).
    log_in(page, second.email)
    page.reload()
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()
    expect(page.locator("#outbox-status")).not_to_contain_text("recepten")
    app_db.rollback()
    assert app_db.exec(select(Post).where(Post.title == title)).all() == []
    assert app_db.exec(select(Post).where(Post.author_id == second.id)).all() == []


def kept_account_page_of(page: Page, email: str) -> None:
    """Wait until the device holds its offline copy of /account, showing `email`."""
    page.wait_for_function(f"(localStorage.getItem('buuv:page:/account') || '').includes({email!r})")


def settled(page: Page) -> None:
    """The page's own content has loaded (what offline.js waits for before it takes a copy)."""
    page.wait_for_function("document.querySelector('#inhoud') !== null"
                           " && document.querySelector('#inhoud .loading-notice') === null")


def test_when_another_member_logs_in_the_device_forgets_the_first(page: Page, app_db):
    first = create_member(app_db, display_name="Riet")
    second = create_member(app_db, display_name="Bas")
    log_in(page, first.email)
    kept_account_page_of(page, first.email)

    # Riet walked away without logging out; Bas logs in on the same browser.
    log_in(page, second.email)
    kept_account_page_of(page, second.email)
    assert device_holds(page, first.email) == []


def test_addresses_that_carry_a_token_are_never_kept_on_the_device(page: Page, app_db):
    member = create_member(app_db)
    log_in(page, member.email)
    kept_account_page_of(page, member.email)
    # Any page whose address has a parameter named like a token or code: not kept. (The invitation,
    # reset and confirmation pages are never kept either; this is the general rule behind them.)
    for address in ("/hulp?token=geheim-123", "/hulp?invite_code=geheim-123"):
        page.goto(address)
        expect(page.get_by_role("heading", name="Vragen en aanbod")).to_be_visible()
        settled(page)
        page.evaluate("buuvOffline.snapshot()")  # the copy it would otherwise take now
        assert device_holds(page, "geheim-123") == []
    # The positive control: the same page without one is kept.
    page.goto("/hulp")
    expect(page.get_by_role("heading", name="Vragen en aanbod")).to_be_visible()
    page.wait_for_function("buuvOffline.snapshot(), Object.keys(buuvOffline.pages()).includes('/hulp')")
