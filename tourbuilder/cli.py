"""The ``tourbuilder`` command.

``serve``, ``worker``, ``db upgrade``, ``create-admin``, ``token create``, ``demo``,
``import``, ``export-tour``, ``import-tour``, ``pack``, ``clean-orphans`` and ``check``; Flask's own
commands (``routes``, ``shell``) are there too.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .services import commit
from .services.errors import DomainError


@contextmanager
def refusals():
    """A service's refusal becomes a one-line error and exit status 1."""
    try:
        yield
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """tourbuilder: map-based virtual visit tours."""


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--threads",
    default=64,
    show_default=True,
    type=int,
    help="Requests served at once; each phone following a presentation holds one.",
)
@with_appcontext
def serve_command(host, port, threads):
    """Serve the app (waitress); with the embedded job queue, also run its worker."""
    from waitress import serve

    from .jobs import get_queue
    from .services.processing import recover_unfinished

    app = current_app._get_current_object()
    _require_database()
    queue = get_queue()
    consumer = queue.start_in_process() if queue.runs_in_process else None
    if consumer is not None and (count := recover_unfinished(sole_worker=True)):
        click.echo(f"Re-queued {count} media item(s) left unfinished by the last run.")
    click.echo(
        f"tourbuilder on http://{host}:{port}/  (jobs: {queue.backend}"
        f"{', worker inside this process' if consumer else ''})"
    )
    app.config["SERVE_HOST"], app.config["SERVE_PORT"] = host, port
    _announce_room(host, port)

    def stop_on_sigterm(signum, frame):
        raise SystemExit(0)  # unwinds through the finally below

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        serve(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="tourbuilder",
            # waitress refuses bodies over 1 GiB by default; the app sets its own limit
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
        )
    finally:
        if consumer is not None:
            # Jobs cut short are queued again at the next start (see processing.py).
            consumer.stop(graceful=False)
            click.echo("tourbuilder stopped.")


def _announce_room(host: str, port: int) -> None:
    """Say where phones in the room reach the app, with a QR code to scan; or that they
    cannot, when it listens on this machine only."""
    from . import room
    from .qr import make

    if not room.reachable(host):
        click.echo("Phones can't reach this laptop: it serves only itself. "
                   "Restart with make run HOST=0.0.0.0")  # fmt: skip
        return
    addresses = room.lan_addresses() if host in room.ALL_INTERFACES else [host]
    if not addresses:
        click.echo("No network found: join the room's Wi-Fi so phones can follow along.")
        return
    url = f"http://{addresses[0]}:{port}/live"
    click.echo(f"Phones in the room: {url}" + "".join(
        f"\n                   http://{a}:{port}/live" for a in addresses[1:]
    ))  # fmt: skip
    make(url).terminal(compact=True)


def _require_database() -> None:
    """:raise click.ClickException: the database is unreachable or not migrated."""
    from .health import database_check

    check = database_check()
    if not check.ok:
        raise click.ClickException(f"{check.detail} (fix: {check.fix})")


@click.command("worker")
@click.option("--workers", "-w", default=None, type=int, help="Worker threads.")
@with_appcontext
def worker_command(workers):
    """Run a job worker (for deployments with REDIS_URL; the default runs inside serve)."""
    from .jobs import get_queue
    from .services.processing import recover_unfinished

    queue = get_queue()
    click.echo(f"tourbuilder worker: {queue.backend} queue")
    _require_database()
    if count := recover_unfinished():
        click.echo(f"Re-queued {count} media item(s) left unfinished by the last run.")
    queue.consumer(workers).run()


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@with_appcontext
def create_admin_command(email, name):
    """Create a site administrator, or make an existing account one.

    The password comes from TOURBUILDER_ADMIN_PASSWORD, else a prompt.
    """
    from .services import accounts

    password = os.environ.get("TOURBUILDER_ADMIN_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    with refusals():
        user, created = accounts.make_site_admin(email, password, name)
    commit()
    click.echo(f"{'Created' if created else 'Updated'} site administrator {user.email}.")


@click.group("token")
def token_group():
    """Personal API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
def token_create_command(email, name):
    """Print a new API token for EMAIL (send it as 'Authorization: Bearer TOKEN')."""
    from .services import accounts

    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    token = accounts.create_token(user, name)
    commit()
    click.echo(token)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no tour yet.")
@click.option(
    "--sites",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="Also add this many synthetic public sites around the Mediterranean, with three "
    "public tours through them (for trying the map at scale).",
)
@with_appcontext
def demo_command(if_empty, sites):
    """Create the demo team and its public tour of Seville (photos generated here), a
    second team with a small tour of Tunis, and a workshop presenting both."""
    from .models import Tour
    from .services.demo import create_demo
    from .services.demo_sites import add_synthetic_sites
    from .services.demo_workshop import create_demo_workshop
    from .services.demo_workshop import create_tunis_tour

    if if_empty and db.session.scalar(select(Tour.id).limit(1)) is not None:
        click.echo("Demo skipped: the database already has tours.")
        return
    tour = create_demo()
    commit()
    click.echo(f"Demo tour ready: /tours/{tour.slug} ({len(tour.stops)} stops).")
    workshop = create_demo_workshop(tour, create_tunis_tour())
    commit()
    click.echo(f"Demo workshop ready: /workshops/{workshop.id} (two teams' tours).")
    if sites:
        add_synthetic_sites(sites)
        commit()
        click.echo(f"Added {sites} synthetic public sites.")


@click.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--team", "team_ref", required=True, help="Team name or id.")
@click.option(
    "--tour", "title", default=None, help="Title of the draft tour (default: folder name)."
)
@with_appcontext
def import_command(folder, team_ref, title):
    """Import a folder of photos and videos into a team's library and a draft tour."""
    from .models import Team
    from .services.importer import import_folder

    team = db.session.scalar(select(Team).where(Team.name == team_ref))
    if team is None and team_ref.isdecimal() and len(team_ref) < 10:
        team = db.session.get(Team, int(team_ref))
    if team is None:
        raise click.ClickException(f"No team named or numbered {team_ref!r}.")
    report = import_folder(team, folder, title)
    commit()
    click.echo(
        f"Imported {len(report.imported)} file(s), {len(report.duplicates)} already in "
        f"the library, {len(report.failed)} refused."
    )
    for name, reason in report.failed:
        click.echo(f"  refused {name}: {reason}")
    if report.unplaced:
        click.echo(f"{len(report.unplaced)} item(s) have no GPS position and need a location:")
        for item in report.unplaced:
            click.echo(f"  {item.original_name}")
    if report.tour is None:
        click.echo("No item has a position, so no tour was made.")
    else:
        click.echo(
            f"Draft tour '{report.tour.text('title')}' with {len(report.tour.stops)} "
            f"stop(s): /tours/{report.tour.slug}"
        )


def _find_team(team_ref: str):
    """:raise click.ClickException: no team with that name or id."""
    from .models import Team

    team = db.session.scalar(select(Team).where(Team.name == team_ref))
    if team is None and team_ref.isdecimal() and len(team_ref) < 10:
        team = db.session.get(Team, int(team_ref))
    if team is None:
        raise click.ClickException(f"No team named or numbered {team_ref!r}.")
    return team


@click.command("export-tour")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_tour_command(slug, out):
    """Write the tour at SLUG as a portable tour archive (zip) to OUT."""
    from .models import Tour
    from .services.tour_archive import export_archive

    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None:
        raise click.ClickException(f"No tour with the slug {slug!r}.")
    partial = out.with_name(out.name + ".part")
    try:
        with open(partial, "wb") as stream:
            export_archive(tour, stream)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Exported {len(tour.stops)} stop(s) of /tours/{tour.slug} to {out}.")


@click.command("import-tour")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--team", "team_ref", required=True, help="Team name or id.")
@with_appcontext
def import_tour_command(archive, team_ref):
    """Import a portable tour archive as a new draft tour of TEAM."""
    from .services.tour_archive import import_archive

    team = _find_team(team_ref)
    with refusals(), open(archive, "rb") as stream:
        result = import_archive(team, stream, None)
        commit()
    tour = result.tour
    click.echo(
        f"Draft tour '{tour.text('title')}' with {len(tour.stops)} stop(s): /tours/{tour.slug}"
    )
    click.echo(
        f"{result.media_created} media file(s) stored (processing queued), "
        f"{len(result.media_reused)} already in the library."
    )


@click.command("clean-orphans")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@click.option(
    "--grace",
    default=3600,
    show_default=True,
    help="Keep files younger than this many seconds (an upload may be about to use them).",
)
@with_appcontext
def clean_orphans_command(dry_run, grace):
    """Remove stored files that no media item or unfinished upload refers to."""
    from .services.maintenance import find_orphans
    from .services.maintenance import remove_orphans
    from .services.uploads import expire_sessions

    if not dry_run:
        expired = expire_sessions()
        commit()
        if expired:
            click.echo(f"Removed {expired} expired unfinished upload(s).")
    orphans = find_orphans(grace)
    total = sum(size for _key, size in orphans)
    for key, size in orphans:
        click.echo(f"{'would remove' if dry_run else 'removed'} {key} ({size:,} bytes)")
    if not dry_run:
        remove_orphans(orphans)
    verb = "would free" if dry_run else "freed"
    click.echo(f"{len(orphans)} orphan file(s); {verb} {total:,} bytes.")


@click.command("check")
@with_appcontext
def check_command():
    """Report whether ffmpeg/ffprobe, the database, the media folder, the job queue and the
    fonts for pictures work."""
    from .health import run_checks

    problems = 0
    for check in run_checks():
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok:
            problems += 1
            click.echo(f"       fix: {check.fix}")
    if problems:
        click.echo(f"{problems} problem(s) found.")
        sys.exit(1)
    click.echo("Everything tourbuilder needs is usable.")


@click.command("pack")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--lang", default=None, help="Language of the tour's texts (default: its first).")
@click.option(
    "--max-zoom", type=click.IntRange(0, 24), default=None, help="Highest zoom of the map tiles."
)
@with_appcontext
def pack_command(slug, out, lang, max_zoom):
    """Write the offline tour pack of the tour at SLUG to OUT (a zip to present from
    file:// with no network; docs/offline-pack.md)."""
    import shutil
    import time

    from .models import Tour
    from .services import pack_build
    from .services import tour_pack

    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None:
        raise click.ClickException(f"No tour with the slug {slug!r}.")
    started = time.monotonic()
    shown = {"step": ""}

    def progress(step, done, total):
        if step != shown["step"] or step == "tiles":
            shown["step"] = step
            click.echo(f"  {step:<7} {done}/{total} ({100 * done // max(total, 1)}%)")

    with refusals():
        public = current_app.config.get("PUBLIC_URL") or ""
        url = f"{public.rstrip('/')}/tours/{tour.slug}" if public else ""
        plan = tour_pack.plan_pack(tour, lang=lang, max_zoom=max_zoom, public_url=url)
        area = plan.area
        click.echo(
            f"Packing /tours/{tour.slug} ({plan.lang}): {len(tour.stops)} stop(s), "
            f"{len(plan.media)} media file(s), "
            + (
                f"{area.count} tile(s) at zoom {area.min_zoom}-{area.max_zoom}"
                if area
                else "no tiles"
            )
            + f"; about {plan.estimate_bytes() / 1e6:.1f} MB."
        )
        result = pack_build.build_pack(plan, progress)
    partial = out.with_name(out.name + ".part")
    try:
        shutil.copyfile(result.path, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    how = "reused the pack built before" if result.reused else "built"
    missing = result.counts.get("tiles_missing")
    if missing:
        click.echo(f"  {missing} tile(s) could not be fetched: the simplified map shows there.")
    click.echo(
        f"Wrote {out}: {result.size / 1e6:.1f} MB ({how} in {time.monotonic() - started:.1f} s)."
    )


def init_app(app) -> None:
    for command in (
        serve_command,
        worker_command,
        create_admin_command,
        token_group,
        demo_command,
        import_command,
        export_tour_command,
        import_tour_command,
        pack_command,
        clean_orphans_command,
        check_command,
    ):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
