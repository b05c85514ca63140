"""Command line: `python -m buuv_app.cli migrate|seed|make-admin|send-reminders|send-digest|run-sender|
moderation-reminders|rebuild-figures|backup|restore` (used by the Makefile)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alembic.config import Config

from alembic import command
from buuv_app.db import session_scope
from buuv_app.errors import NotFound, ValidationError
from buuv_app.services import digest, moderation, reminders, roles, seed, stats_facts
from buuv_app.settings import PROJECT_ROOT, get_settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def migrate() -> None:
    command.upgrade(alembic_config(), "head")


def load_seed(demo: bool) -> None:
    settings = get_settings()
    with session_scope() as session:
        report = seed.load_reference_data(session=session)
        print(
            f"Referentiedata: {report.municipalities} gemeenten, "
            f"{report.neighbourhoods} wijken, {report.categories} categorieën."
        )
        if report.sample_boards:
            print(f"Voorbeeld-prikborden: {report.sample_boards} toegevoegd (te bewerken op /beheer/prikborden).")
        if not demo or not settings.seed_demo_data:
            return
        if settings.is_production:
            print("BUUV_ENV=production: geen demodata geladen.")
            return
        report = seed.load_demo_data(session=session, environment=settings.env)
        if report.demo_posts:
            print(f"Demodata: {report.demo_users} mensen, {report.demo_posts} berichten.")
        else:
            print("De database heeft al berichten: geen demodata geladen.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="buuv", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the database schema to the newest revision")
    seed_parser = sub.add_parser("seed", help="load towns, wijken, categories (and demo data)")
    seed_parser.add_argument("--no-demo", action="store_true", help="reference data only")
    sub.add_parser("send-reminders", help="mail authors whose posts expire soon (the app does this itself too)")
    sub.add_parser("dead-letters", help="list mail and pushes the sender gave up on")
    sub.add_parser("send-digest", help="queue this week's neighbourhood digest (at most one per member per week)")
    sub.add_parser("moderation-reminders",
                   help="mail professionals about reports open for more than 48 hours (once a day; run daily)")
    sub.add_parser("run-sender", help="send the outbox's mail and pushes until stopped (the app does this itself "
                                      "too, unless MAIL_SENDER_IN_APP=0)")
    backup_parser = sub.add_parser("backup", help="database and photos into one archive, while the app runs")
    backup_parser.add_argument("--to", type=Path, default=None, help="folder for the archive (default backups/)")
    restore_parser = sub.add_parser("restore", help="replace the database and add the photos from an archive "
                                                    "(stop the app first)")
    restore_parser.add_argument("file", type=Path)
    admin_parser = sub.add_parser("make-admin", help="make an existing, confirmed account an admin")
    admin_parser.add_argument("email")
    sub.add_parser("rebuild-figures", help="recompute the facts the back office's figures read from the source rows")
    sub.add_parser("nginx-headers", help="print the security headers as nginx add_header lines, for the files "
                                         "nginx serves itself (deploy/nginx/buuv.conf)")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate()
    elif args.command == "seed":
        load_seed(demo=not args.no_demo)
    elif args.command == "make-admin":
        return make_admin(args.email)
    elif args.command == "dead-letters":
        from buuv_app.services import mail

        with session_scope() as session:
            for row in mail.list_dead(session=session):
                print(f"{row.id}\t{row.kind}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.to_address or '-'}\t"
                      f"{row.subject}\t{row.last_error or ''}")
    elif args.command == "send-digest":
        with session_scope() as session:
            print(f"{digest.send_weekly(session=session)} weekoverzichten klaargezet.")
    elif args.command == "run-sender":
        return run_sender()
    elif args.command == "backup":
        from buuv_app import backup

        archive = backup.create_backup(database_url=get_settings().database_url,
                                       destination=args.to or backup.default_destination())
        print(f"Back-up gemaakt: {archive}")
    elif args.command == "restore":
        from buuv_app import backup

        manifest = backup.restore_backup(archive=args.file, database_url=get_settings().database_url)
        print(f"Teruggezet: de database en {len(manifest['photos'])} foto's uit {args.file}.")
    elif args.command == "send-reminders":
        with session_scope() as session:
            print(f"{reminders.send_expiry_reminders(session=session)} herinneringen verstuurd.")
    elif args.command == "moderation-reminders":
        with session_scope() as session:
            print(f"{moderation.send_reminders(session=session)} herinneringen over meldingen verstuurd.")
    elif args.command == "nginx-headers":
        from buuv_app.security import headers

        print(headers.nginx_snippet(), end="")
    elif args.command == "rebuild-figures":
        with session_scope() as session:
            stats_facts.rebuild(session=session)
            session.commit()
        print("De cijfers van het overzicht zijn opnieuw berekend uit de berichten en gesprekken.")
    return 0


def run_sender() -> int:
    """Send mail and pushes from the outbox until Ctrl-C or SIGTERM."""
    import signal
    import threading

    from buuv_app.services import mail

    if not get_settings().smtp_configured:
        print("SMTP_HOST is not set: mail stays in the outbox; only pushes are sent.")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print("Sender running (mail and pushes); stop with Ctrl-C.")
    mail.run_sender(stop=stop)
    return 0


def make_admin(email: str) -> int:
    with session_scope() as session:
        try:
            user = roles.make_admin(session=session, email=email)
        except (NotFound, ValidationError):
            print(f"Geen bevestigd account met e-mailadres {email!r}. Meld je eerst aan in de app.",
                  file=sys.stderr)
            return 1
    print(f"{user.display_name} ({user.email}) is nu beheerder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
