"""/account: my details, my posts, my password, my data, and leaving BUUV."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    PASSWORD_HINT,
    field_error,
    form_error,
    neighbourhood_select,
    simple_form,
    text_field,
    textarea_field,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.notices import loading_notice
from buuv_app.components.posts import kind_badge
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models import BODY_MAX, TITLE_MAX
from buuv_app.services.profiles import INTRO_MAX
from buuv_app.state.account import AccountState, OwnPostView
from buuv_app.state.base import AppState
from buuv_app.state.browse import PlacesState
from buuv_app.state.profiles import ProfileEditState

S = AccountState


def _error(field: str):
    return S.errors.get(field, "")


def _section(title: str, *children, **props) -> rx.Component:
    heading_id = "sectie-" + title.lower().replace(" ", "-")
    return rx.el.section(
        rx.card(
            rx.vstack(rx.heading(t(title), as_="h2", size="5", id=heading_id), *children, spacing="3", width="100%"),
            size="3",
            width="100%",
        ),
        aria_labelledby=heading_id,
        width="100%",
        **props,
    )


def _profile() -> rx.Component:
    return _section(
        N_("Mijn gegevens"),
        rx.text(t("E-mailadres"), ": ", rx.text(S.email, as_="span", weight="bold"), size="3"),
        simple_form(
            text_field("profile", "display_name", N_("Je naam"), _error("display_name"),
                       default_value=S.display_name, autocomplete="given-name", max_length=60),
            neighbourhood_select("profile", N_("Je buurt"), PlacesState.groups, _error("neighbourhood"),
                                 default_value=S.neighbourhood_slug),
            on_submit=S.save_profile,
            submit=N_("Gegevens opslaan"),
            spacing="3",
            key=S.display_name + S.neighbourhood_slug,
        ),
        rx.link("★ ", t("Buur geverifieerd: laat zien dat je in de wijk woont"), href=routes.VERIFY, size="3"),
    )


def _about_me() -> rx.Component:
    """"Over mij": the introduction and photo on my profile, which only members see."""
    E = ProfileEditState
    return _section(
        N_("Over mij"),
        rx.text(t("Andere buren die zijn ingelogd zien je profiel: je naam, je wijk, sinds wanneer je lid bent, "
                  "hoe vaak je hielp en wat je hieronder schrijft."), size="2"),
        rx.link(t("Bekijk je profiel"), href=E.profile_url, size="3", id="own-profile-link"),
        rx.hstack(
            rx.cond(E.photo_url != "",
                    rx.image(src=E.photo_url, alt=t("Je profielfoto"), width="6rem", height="6rem", object_fit="cover",
                             border_radius="50%", id="profile-photo-preview"),
                    rx.icon("circle-user-round", size=72, aria_hidden="true", color=rx.color("gray", 9))),
            rx.vstack(
                rx.el.label(
                    rx.upload(
                        rx.text(t("Kies een foto (JPEG, PNG of WebP, hoogstens 5 MB)"), size="2"),
                        id="profile-photo", max_files=1, multiple=False, no_click=True,
                        accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                        on_drop=E.upload_photo(rx.upload_files(upload_id="profile-photo")),
                        border=f"2px dashed {rx.color('gray', 7)}", padding="0.75rem", border_radius="8px",
                        width="100%",
                    ),
                    display="block", width="100%", cursor="pointer",
                ),
                rx.cond(E.photo_url != "",
                        rx.button(t("Foto weghalen"), type="button", variant="soft", color_scheme="gray", size="2",
                                  on_click=E.remove_photo)),
                field_error("profile-intro-photo", E.errors.get("photo", "")),
                spacing="2", width="100%",
            ),
            spacing="3", align="center", width="100%",
        ),
        simple_form(
            textarea_field("profile-intro", "intro", N_("Een korte introductie (mag leeg blijven)"),
                           E.errors.get("intro", ""), default_value=E.intro, max_length=INTRO_MAX),
            on_submit=E.save_intro,
            submit=N_("Introductie opslaan"),
            spacing="3",
            key=E.intro,
        ),
        id="over-mij",
    )


STATUS_LABELS = {
    "open": N_("open"),
    "in_contact": N_("in contact"),
    "matched": N_("geholpen"),
    "closed": N_("gesloten"),
}


def _own_post(item: rx.Var[OwnPostView]) -> rx.Component:
    post = item.card
    return rx.el.li(
        rx.card(
            rx.cond(
                S.editing_post == post.id,
                simple_form(
                    rx.el.input(type="hidden", name="post_id", value=post.id.to_string()),
                    text_field("post", "title", N_("Titel"), _error("title"), default_value=post.title,
                               max_length=TITLE_MAX),
                    textarea_field("post", "body", N_("Beschrijving"), _error("body"), default_value=item.body,
                                   max_length=BODY_MAX),
                    rx.vstack(
                        rx.el.label(t("Categorie"), html_for="post-category", font_weight="600"),
                        rx.el.select(
                            rx.foreach(PlacesState.category_options,
                                       lambda c: rx.el.option(localized(c.name_nl, c.name_en), value=c.slug)),
                            id="post-category", name="category", default_value=post.category_slug,
                            font_size="1rem", padding="0.5rem", min_height="2.75rem", width="100%",
                        ),
                        spacing="1", width="100%",
                    ),
                    neighbourhood_select("post", N_("Buurt"), PlacesState.groups, _error("neighbourhood"),
                                         default_value=item.neighbourhood_slug),
                    rx.el.label(
                        rx.el.input(type="checkbox", name="members_only", default_checked=item.members_only | item.verified_only),
                        " ", t("Alleen buren die zijn ingelogd"),
                        display="flex", gap="0.5rem", align_items="center", min_height="2.5rem",
                    ),
                    on_submit=S.save_post,
                    submit=rx.hstack(
                        rx.button(t("Opslaan"), type="submit", size="3"),
                        rx.button(t("Annuleren"), type="button", variant="soft", color_scheme="gray", size="3",
                                  on_click=S.cancel_edit),
                        spacing="3",
                    ),
                    spacing="3",
                ),
                rx.vstack(
                    rx.hstack(
                        kind_badge(post.kind),
                        rx.badge(rx.match(item.status, *[(k, t(v)) for k, v in STATUS_LABELS.items()], item.status),
                                 color_scheme="gray", variant="soft", high_contrast=True),
                        rx.cond(item.hidden, rx.badge(rx.icon("eye-off", size=14, aria_hidden="true"), t("Verborgen"),
                                                      color_scheme="orange", variant="soft", high_contrast=True)),
                        spacing="2",
                    ),
                    rx.link(rx.heading(post.title, as_="h3", size="4"), href=post.url),
                    rx.text(post.neighbourhood_name, " · ", rx.cond(AppState.locale == "en", post.ago_en, post.ago_nl),
                            size="2", color=rx.color("gray", 11)),
                    rx.hstack(
                        rx.button(t("Bewerken"), variant="soft", size="2", on_click=S.edit_post(post.id),
                                  aria_label=t("Bewerken") + ": " + post.title),
                        rx.alert_dialog.root(
                            rx.alert_dialog.trigger(
                                rx.button(t("Verwijderen"), variant="soft", color_scheme="red", size="2",
                                          aria_label=t("Verwijderen") + ": " + post.title),
                            ),
                            rx.alert_dialog.content(
                                rx.alert_dialog.title(t("Oproep verwijderen?")),
                                rx.alert_dialog.description(post.title),
                                rx.hstack(
                                    rx.alert_dialog.cancel(rx.button(t("Annuleren"), variant="soft", color_scheme="gray")),
                                    rx.alert_dialog.action(
                                        rx.button(t("Ja, verwijderen"), color_scheme="red", on_click=S.delete_post(post.id)),
                                    ),
                                    spacing="3",
                                    justify="end",
                                    margin_top="1rem",
                                ),
                            ),
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    spacing="2",
                    align="start",
                ),
            ),
            width="100%",
        ),
        list_style="none",
    )


def _my_posts() -> rx.Component:
    return _section(
        N_("Mijn oproepen"),
        rx.cond(
            S.my_posts.length() > 0,
            rx.el.ul(rx.foreach(S.my_posts, _own_post), display="flex", flex_direction="column", gap="0.75rem",
                     padding="0", margin="0", width="100%"),
            rx.text(t("Je hebt nog geen vragen of aanbod geplaatst."), size="3"),
        ),
    )


def _switch(setting: str, checked: rx.Var, label: str) -> rx.Component:
    return rx.hstack(
        rx.checkbox(id=f"setting-{setting}", checked=checked, on_change=lambda on: S.set_notification(setting, on),
                    size="3"),
        rx.el.label(t(label), html_for=f"setting-{setting}", cursor="pointer", min_width="0", flex="1"),
        align="start", spacing="3", width="100%",
    )


def _push_state(state: str, *children) -> rx.Component:
    """Shown only while assets/push.js flags <html data-push> with one of `state` (assets/buuv.css)."""
    return rx.hstack(*children, custom_attrs={"data-push-show": state}, align="center", wrap="wrap", spacing="3")


def _push_device() -> rx.Component:
    """This device: turn notifications on (only from this tap) or off, or why it cannot."""
    return rx.vstack(
        _push_state("off failed",
                    rx.button(rx.icon("bell", size=18, aria_hidden="true"), t("Meldingen aanzetten"), id="push-enable",
                              size="3", type="button")),
        _push_state("failed", rx.text(t("Meldingen aanzetten lukte niet. Probeer het later opnieuw."), size="3")),
        _push_state("busy", rx.text(t("Even geduld…"), size="3")),
        _push_state("on",
                    rx.text(t("Meldingen staan aan op dit apparaat."), size="3"),
                    rx.button(t("Meldingen uitzetten op dit apparaat"), id="push-disable", size="2", variant="soft",
                              type="button")),
        _push_state("ios-install", rx.text(t(
            "Op een iPhone of iPad: zet BUUV eerst op je beginscherm (Deel, dan 'Zet op beginscherm') en open "
            "het daar. Dan kun je meldingen aanzetten (vanaf iOS 16.4)."), size="3")),
        _push_state("denied", rx.text(t(
            "Je hebt meldingen van BUUV geblokkeerd. Zet ze aan in de instellingen van je browser."), size="3")),
        _push_state("unsupported", rx.text(t("Deze browser kan geen meldingen tonen."), size="3")),
        spacing="2", width="100%",
    )


def _nearby() -> rx.Component:
    """Nearby wijken in the weekly digest, besides one's own."""
    return rx.cond(
        S.nearby.length() > 0,
        rx.el.details(
            rx.el.summary(t("Ook buurten in de buurt in mijn weekoverzicht"), cursor="pointer", font_weight="600"),
            rx.el.form(
                rx.box(
                    rx.foreach(S.nearby, lambda c: rx.el.label(
                        rx.el.input(type="checkbox", id="nearby-" + c.slug, name="wijk-" + c.slug,
                                    default_checked=c.chosen, key=c.slug + c.chosen.to_string(),
                                    width="1.2rem", height="1.2rem"),
                        c.name, html_for="nearby-" + c.slug,
                        display="flex", gap="0.5rem", align_items="center", min_height="2.5rem",
                    )),
                    display="grid", grid_template_columns="repeat(auto-fill, minmax(12rem, 1fr))", gap="0.25rem",
                    padding_y="0.5rem",
                ),
                rx.button(t("Buurten opslaan"), type="submit", size="3", variant="outline"),
                on_submit=S.save_nearby,
            ),
        ),
    )


def _notifications() -> rx.Component:
    """Every kind of push and mail on one page (the mails link here: routes.NOTIFICATION_SETTINGS)."""
    return _section(
        N_("Meldingen en mail"),
        rx.text(t("Een melding op je telefoon of computer, ook als BUUV dicht is."), size="3"),
        _push_device(),
        rx.heading(t("Meldingen over"), as_="h3", size="3"),
        _switch("push_message", S.push_message, N_("Nieuwe berichten (niet als je dat gesprek net open hebt)")),
        _switch("push_reaction", S.push_reaction, N_("Een reactie op mijn vraag of aanbod")),
        _switch("push_reminder", S.push_reminder, N_("\"Nog nodig?\" als mijn oproep bijna verloopt")),
        _switch("push_moderation", S.push_moderation, N_("Als mijn melding of bezwaar is behandeld")),
        _switch("push_show_text", S.push_show_text,
                N_("Toon de tekst van een bericht in de melding (ook op het vergrendelscherm)")),
        rx.heading(t("Mail"), as_="h3", size="3"),
        _switch("message_mail", S.message_mail, N_(
            "Mail me als ik een bericht krijg terwijl ik niet online ben (hoogstens één mail per gesprek per uur).")),
        _switch("digest_mail", S.digest_mail,
                N_("Elke maandag een kort overzicht van mijn buurt (alleen als er iets te melden is)")),
        _nearby(),
        id="meldingen",
    )


def _password() -> rx.Component:
    return _section(
        N_("Wachtwoord wijzigen"),
        simple_form(
            text_field("password", "current_password", N_("Huidig wachtwoord"), _error("current_password"),
                       type="password", autocomplete="current-password"),
            text_field("password", "new_password", N_("Nieuw wachtwoord"), _error("new_password"),
                       type="password", autocomplete="new-password", hint=PASSWORD_HINT),
            on_submit=S.change_password,
            submit=N_("Wachtwoord wijzigen"),
            spacing="3",
            id="password-form",
        ),
    )


def _my_data() -> rx.Component:
    return _section(
        N_("Mijn gegevens downloaden"),
        rx.text(t("Download alles wat BUUV over jou bewaart, als bestand (JSON)."), size="3"),
        rx.button(rx.icon("download", size=18, aria_hidden="true"), t("Download mijn gegevens"),
                  on_click=S.download_data, size="3", variant="outline"),
    )


def _delete() -> rx.Component:
    return _section(
        N_("Account verwijderen"),
        rx.text(t("Je naam, e-mailadres, wachtwoord en je oproepen op BUUV worden gewist. Berichten die je al aan anderen stuurde, blijven bij hen staan als van 'verwijderde gebruiker'. Dit kan niet ongedaan worden gemaakt."), size="3"),
        simple_form(
            text_field("delete", "password", N_("Typ je wachtwoord om te bevestigen"), _error("password"),
                       type="password", autocomplete="current-password"),
            on_submit=S.delete_account,
            submit=rx.button(t("Verwijder mijn account"), type="submit", color_scheme="red", size="3", width="100%"),
            spacing="3",
        ),
    )


@page(routes.ACCOUNT, title="Mijn account",
      on_load=[PlacesState.load_places, AccountState.load_account, ProfileEditState.load_own_profile])
def account() -> rx.Component:
    return rx.cond(
        S.loaded,
        rx.vstack(
            rx.hstack(
                rx.heading(t("Mijn account"), as_="h1", size="7"),
                rx.spacer(),
                rx.button(t("Uitloggen"), on_click=AppState.log_out, variant="outline", size="3"),
                align="center",
                width="100%",
            ),
            form_error(_error("form")),
            _profile(),
            _about_me(),
            _my_posts(),
            _notifications(),
            _password(),
            _my_data(),
            _delete(),
            spacing="4",
            width="100%",
        ),
        loading_notice(),
    )
