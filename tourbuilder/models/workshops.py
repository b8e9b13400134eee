"""Workshops that bring teams together: their facilitators, their programme of tours
shared by several teams, and the reflections participants send during a session."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from .base import Timestamps
from .base import UTCDateTime
from .base import utcnow
from .teams import is_site_admin
from .teams import Role
from .teams import User
from .tours import Tour

#: Longest reflection and name a participant may send (characters).
REFLECTION_MAX = 500
REFLECTION_NAME_MAX = 80


class Workshop(Timestamps, db.Model):
    """A training session where facilitators present tours that teams shared with it.

    Permission rules (``user`` may be anonymous):

    =====================  =========  ==========  ==================  ===============  ==========
    action                 anonymous  other user  member of a team    workshop         site admin
                                                  with a shared tour  facilitator
    =====================  =========  ==========  ==================  ===============  ==========
    view (page, programme)  no        no          yes                 yes              yes
    edit, facilitators,     no        no          no                  yes              yes
    reorder, delete
    present shared tours    no        no          (their own team's)  yes              yes
    see reflections         no        no          on their tours      all              all
    share / withdraw a      no        no          team admin          no (unless       yes
    tour                                          of its team         team admin)
    =====================  =========  ==========  ==================  ===============  ==========

    Creating a workshop: site admins, and anyone who is an admin or a facilitator of some
    team (:func:`can_create_workshop`); the creator becomes its first facilitator.
    Facilitators need an account but need not belong to any team.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The language tours are shown in at this workshop (stop titles in exports).
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )

    facilitators: Mapped[list[WorkshopFacilitator]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan"
    )
    programme_entries: Mapped[list[WorkshopTour]] = relationship(
        back_populates="workshop",
        order_by="WorkshopTour.position",
        cascade="all, delete-orphan",
    )
    created_by: Mapped[User | None] = relationship()

    def is_facilitator(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return any(f.user_id == user.id for f in self.facilitators)

    def can_manage(self, user) -> bool:
        return is_site_admin(user) or self.is_facilitator(user)

    def can_view(self, user) -> bool:
        if self.can_manage(user):
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        teams = user.team_ids()
        return any(entry.tour.team_id in teams for entry in self.programme_entries)

    def sees_all_reflections(self, user) -> bool:
        return self.can_manage(user)


class WorkshopFacilitator(db.Model):
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    workshop: Mapped[Workshop] = relationship(back_populates="facilitators")
    user: Mapped[User] = relationship()


class WorkshopTour(db.Model):
    """A tour a team admin shared with a workshop: the sharing record and, by
    ``position``, its place in the workshop's programme. Deleting it withdraws the tour."""

    __table_args__ = (UniqueConstraint("workshop_id", "tour_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    tour_id: Mapped[int] = mapped_column(ForeignKey("tour.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    shared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    workshop: Mapped[Workshop] = relationship(back_populates="programme_entries")
    tour: Mapped[Tour] = relationship()
    shared_by: Mapped[User | None] = relationship()


class Reflection(db.Model):
    """A short text a participant sent from a phone during a session, on a tour of the
    programme and (usually) one of its stops. No account; never public."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    tour_id: Mapped[int | None] = mapped_column(
        ForeignKey("tour.id", ondelete="CASCADE"), index=True, default=None
    )
    # 1-based, as shown to the room; None: on the tour as a whole.
    stop_number: Mapped[int | None] = mapped_column(Integer, default=None)
    body: Mapped[str] = mapped_column(String(REFLECTION_MAX))
    name: Mapped[str] = mapped_column(String(REFLECTION_NAME_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # A hash of who sent it (address, device): for rate limiting, never shown.
    client_hash: Mapped[str] = mapped_column(String(64), default="")

    workshop: Mapped[Workshop] = relationship()
    tour: Mapped[Tour | None] = relationship()


def can_create_workshop(user) -> bool:
    """Site admins, and admins or facilitators of some team."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_site_admin(user) or bool(user.team_ids(Role.ADMIN, Role.FACILITATOR))


def facilitates(user, tour_id: int) -> bool:
    """Is ``user`` a facilitator of a workshop the tour is shared with?"""
    if not getattr(user, "is_authenticated", False) or tour_id is None:
        return False
    query = (
        select(WorkshopTour.id)
        .join(WorkshopFacilitator, WorkshopFacilitator.workshop_id == WorkshopTour.workshop_id)
        .where(WorkshopTour.tour_id == tour_id, WorkshopFacilitator.user_id == user.id)
        .limit(1)
    )
    return db.session.scalar(query) is not None
