"""Workshop pages: my workshops, create and edit one, its page (facilitators, the ordered
programme with "Present" links, reflections and their exports), and on the team side the
publishing page's "Share with a workshop" control (team admins)."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import Response
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from ..extensions import db
from ..models import Tour
from ..models import User
from ..models import Workshop
from ..models.workshops import can_create_workshop
from ..services import commit
from ..services import reflections
from ..services import workshops
from ..services.errors import DomainError
from ..services.errors import InvalidValue
from ..services.publishing import published_view
from ..services.tour_export import safe_file_stem
from .publishing import get_editable_tour
from .workshop_forms import FacilitatorForm
from .workshop_forms import ShareForm
from .workshop_forms import WorkshopForm

bp = Blueprint("workshops", __name__)

FIELDS = ("title", "starts_on", "ends_on", "place", "language", "notes")


def get_workshop(workshop_id: int, manage: bool = False) -> Workshop:
    """:raise 404: no such workshop, or the user may not view it. :raise 403: ``manage``
    asked and the user is not one of its facilitators (nor a site admin)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not workshop.can_view(current_user):
        abort(404)
    if manage and not workshop.can_manage(current_user):
        abort(403)
    return workshop


def present_url(tour: Tour, workshop: Workshop) -> str:
    """Presentation mode of ``tour`` within the workshop's programme."""
    return f"{request.script_root}/tours/{tour.slug}/present?workshop={workshop.id}"


@bp.route("/workshops")
@login_required
def index():
    return render_template(
        "workshops/list.html",
        workshops=workshops.workshops_for(current_user),
        can_create=can_create_workshop(current_user),
    )


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create_workshop(current_user):
        abort(403)
    form = WorkshopForm(language=current_user.language or "en")
    if form.validate_on_submit():
        try:
            created = workshops.create_workshop(current_user, **form_fields(form))
        except InvalidValue as exc:
            return refused(form, exc, None)
        commit()
        flash(_("The workshop is created. Team admins can now share their tours with it."))
        return redirect(url_for(".workshop", workshop_id=created.id)), 303
    return render_template("workshops/edit.html", form=form, workshop=None)


def form_fields(form: WorkshopForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


def refused(form: WorkshopForm, error: InvalidValue, workshop: Workshop | None):
    """The form again, with the service's message under the field at fault."""
    db.session.rollback()
    field = getattr(form, error.field or "", None) or form.title
    field.errors = [*field.errors, error.message]
    return render_template("workshops/edit.html", form=form, workshop=workshop), 422


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workshop_id: int):
    workshop = get_workshop(workshop_id, manage=True)
    form = WorkshopForm(obj=workshop)
    if form.validate_on_submit():
        try:
            workshops.update_workshop(workshop, **form_fields(form))
        except InvalidValue as exc:
            return refused(form, exc, workshop)
        commit()
        flash(_("Saved."))
        return redirect(url_for(".workshop", workshop_id=workshop.id)), 303
    return render_template("workshops/edit.html", form=form, workshop=workshop)


@bp.route("/workshops/<int:workshop_id>/delete", methods=["POST"])
@login_required
def delete(workshop_id: int):
    workshops.delete_workshop(get_workshop(workshop_id, manage=True))
    commit()
    flash(_("The workshop is deleted."))
    return redirect(url_for(".index")), 303


@bp.route("/workshops/<int:workshop_id>")
@login_required
def workshop(workshop_id: int):
    workshop = get_workshop(workshop_id)
    entries = []
    for entry in sorted(workshop.programme_entries, key=lambda e: (e.position, e.id)):
        shown = published_view(entry.tour) or entry.tour
        entries.append(
            {
                "entry": entry,
                "tour": shown,
                "can_present": entry.tour.can_present(current_user),
                "present_url": present_url(entry.tour, workshop),
            }
        )
    return render_template(
        "workshops/workshop.html",
        workshop=workshop,
        entries=entries,
        can_manage=workshop.can_manage(current_user),
        facilitator_form=FacilitatorForm(),
        groups=reflections.grouped(workshop, current_user),
    )


def back(workshop: Workshop, anchor: str | None = None):
    return redirect(url_for(".workshop", workshop_id=workshop.id, _anchor=anchor)), 303


def saved(change, done: str | None = None) -> None:
    """Run ``change()``, a service call: on a DomainError roll it back and flash why, else
    commit it and flash ``done``."""
    try:
        change()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return
    commit()
    if done:
        flash(done)


@bp.route("/workshops/<int:workshop_id>/facilitators", methods=["POST"])
@login_required
def add_facilitator(workshop_id: int):
    workshop = get_workshop(workshop_id, manage=True)
    form = FacilitatorForm()
    if not form.validate_on_submit():
        flash(_("Give the email of the person's account."), "error")
        return back(workshop, "facilitators")
    saved(lambda: workshops.add_facilitator(workshop, form.email.data), _("Added."))
    return back(workshop, "facilitators")


@bp.route("/workshops/<int:workshop_id>/facilitators/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_facilitator(workshop_id: int, user_id: int):
    workshop = get_workshop(workshop_id, manage=True)
    user = db.session.get(User, user_id) or abort(404)
    saved(lambda: workshops.remove_facilitator(workshop, user))
    if not workshop.can_view(current_user):
        return redirect(url_for(".index")), 303
    return back(workshop, "facilitators")


@bp.route("/workshops/<int:workshop_id>/programme/<int:tour_id>/move", methods=["POST"])
@login_required
def move(workshop_id: int, tour_id: int):
    """↑ / ↓ beside a tour of the programme (``direction`` is ``up`` or ``down``)."""
    workshop = get_workshop(workshop_id, manage=True)
    tour = db.session.get(Tour, tour_id) or abort(404)
    workshops.move(workshop, tour, -1 if request.form.get("direction") == "up" else 1)
    commit()
    return back(workshop, f"programme-{tour_id}")


@bp.route("/workshops/<int:workshop_id>/programme/<int:tour_id>/withdraw", methods=["POST"])
@login_required
def take_off(workshop_id: int, tour_id: int):
    """A facilitator takes a tour off the programme (its team may share it again)."""
    workshop = get_workshop(workshop_id, manage=True)
    tour = db.session.get(Tour, tour_id) or abort(404)
    workshops.withdraw_tour(workshop, tour, current_user)
    commit()
    flash(_("The tour is off the programme."))
    return back(workshop, "programme")


EXPORTS = {
    "csv": (reflections.export_csv, "text/csv; charset=utf-8"),
    "md": (reflections.export_markdown, "text/markdown; charset=utf-8"),
}


@bp.route("/workshops/<int:workshop_id>/reflections.<any(csv, md):fmt>")
@login_required
def export(workshop_id: int, fmt: str):
    """The reflections the user may read, as a download."""
    workshop = get_workshop(workshop_id)
    stem = "reflections-" + safe_file_stem(workshop.title)
    writer, mime = EXPORTS[fmt]
    body = writer(workshop, current_user)
    disposition = f'attachment; filename="{stem}.{fmt}"'
    return Response(body, mimetype=mime, headers={"Content-Disposition": disposition})


# The team side: on a tour's publishing page (team admins).


def sharing_panel(tour: Tour) -> dict:
    """What the publishing page's "Workshops" panel shows: the tour's shares, and for team
    admins the form to share it with a workshop not yet holding it."""
    shares = workshops.shares_of(tour)
    can_share = workshops.can_share(current_user, tour)
    form = None
    if can_share:
        held = {share.workshop_id for share in shares}
        form = ShareForm()
        form.workshop.choices = [
            (w.id, w.title + (f" · {w.place}" if w.place else "") + f" · {w.starts_on}")
            for w in workshops.shareable_workshops()
            if w.id not in held
        ]
    return {"shares": shares, "can_share": can_share, "form": form}


@bp.route("/teams/<int:team_id>/tours/<int:tour_id>/workshops", methods=["POST"])
@login_required
def share(team_id: int, tour_id: int):
    tour = get_editable_tour(team_id, tour_id)
    if not workshops.can_share(current_user, tour):
        abort(403)
    form = ShareForm()
    workshop = db.session.get(Workshop, form.workshop.data or 0) if form.validate() else None
    if workshop is None:
        flash(_("Choose a workshop."), "error")
    else:
        saved(
            lambda: workshops.share_tour(workshop, tour, current_user),
            _("Shared: the workshop's facilitators may now present this tour."),
        )
    return redirect(url_for("publish.page", team_id=team_id, tour_id=tour_id, _anchor="workshops"))


@bp.route(
    "/teams/<int:team_id>/tours/<int:tour_id>/workshops/<int:workshop_id>/withdraw",
    methods=["POST"],
)
@login_required
def withdraw(team_id: int, tour_id: int, workshop_id: int):
    tour = get_editable_tour(team_id, tour_id)
    workshop = db.session.get(Workshop, workshop_id) or abort(404)
    if not workshops.can_share(current_user, tour):
        abort(403)
    workshops.withdraw_tour(workshop, tour, current_user)
    commit()
    flash(_("Withdrawn: the workshop's facilitators no longer have this tour."))
    return redirect(url_for("publish.page", team_id=team_id, tour_id=tour_id, _anchor="workshops"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(sharing_panel, "workshop_sharing")
