"""Tours and their ordered stops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import JSON
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from .base import enum_column_type
from .base import json_list_column
from .base import StrEnum
from .base import Timestamps
from .base import Translatable
from .base import translated_column
from .base import UTCDateTime
from .base import utcnow
from .base import Versioned
from .media import MediaItem
from .sites import Site
from .teams import can_edit_team_content
from .teams import is_site_admin
from .teams import is_team_member
from .teams import Role
from .teams import role_for
from .teams import Team


class TourVisibility(StrEnum):
    DRAFT = "draft"
    UNLISTED = "unlisted"
    WORKSHOP = "workshop"
    PUBLIC = "public"


#: Visibilities that put a tour in front of people outside its team (the publish checks
#: guard the way in).
PUBLISHED = (TourVisibility.PUBLIC, TourVisibility.UNLISTED)


class Tour(Timestamps, Translatable, Versioned, db.Model):
    """A map-based virtual visit: an ordered list of stops.

    ===================  =========  ==========  ===========  ======  ==========  ==========
    action               anonymous  other team  facilitator  editor  team admin  site admin
    ===================  =========  ==========  ===========  ======  ==========  ==========
    view public          yes        yes         yes          yes     yes         yes
    view unlisted        yes (link) yes (link)  yes          yes     yes         yes
    view workshop        no         no          yes          yes     yes         yes
    view draft           no         no          yes          yes     yes         yes
    present              no         no          yes          yes     yes         yes
    edit                 no         no          no           yes     yes         yes
    ===================  =========  ==========  ===========  ======  ==========  ==========

    Only public tours are listed on the public web; unlisted ones are reached by their link;
    workshop tours never appear on the public web (facilitators and offline packs only).
    Outside the team, a *workshop facilitator* (:mod:`tourbuilder.models.workshops`) may
    also view and present a published tour (workshop-only included, drafts never) while it
    is shared with a workshop they facilitate; they see the published version.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[dict] = translated_column()
    summary: Mapped[dict] = translated_column()
    cover_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_item.id", ondelete="SET NULL"), default=None
    )
    theme: Mapped[str] = mapped_column(String(40), default="default")
    languages: Mapped[list] = json_list_column()
    visibility: Mapped[TourVisibility] = mapped_column(
        enum_column_type(TourVisibility),
        default=TourVisibility.DRAFT,
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    team: Mapped[Team] = relationship()
    cover: Mapped[MediaItem | None] = relationship()
    stops: Mapped[list[Stop]] = relationship(
        back_populates="tour",
        order_by="Stop.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    publication: Mapped[TourPublication | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def fallback_language(self) -> str:
        if self.languages:
            return self.languages[0]
        return self.team.default_language if self.team else "en"

    @property
    def is_public(self) -> bool:
        return self.visibility is TourVisibility.PUBLIC

    @property
    def is_published(self) -> bool:
        return self.visibility in PUBLISHED

    def can_view(self, user) -> bool:
        if self.visibility in (TourVisibility.PUBLIC, TourVisibility.UNLISTED):
            return True
        return is_team_member(user, self.team_id) or self.shared_with_facilitator(user)

    def can_present(self, user) -> bool:
        if is_site_admin(user) or role_for(user, self.team_id) in (
            Role.ADMIN,
            Role.EDITOR,
            Role.FACILITATOR,
        ):
            return True
        return self.shared_with_facilitator(user)

    def shared_with_facilitator(self, user) -> bool:
        """Is the published tour shared with a workshop ``user`` facilitates?"""
        if self.visibility is TourVisibility.DRAFT or self.id is None:
            return False
        from .workshops import facilitates  # workshops.py builds on this module

        return facilitates(user, self.id)

    def can_edit(self, user) -> bool:
        return can_edit_team_content(user, self.team_id)

    def sees_draft(self, user) -> bool:
        """Team members (and site admins) see the draft they work on; everyone else the
        published version (:class:`TourPublication`)."""
        return is_team_member(user, self.team_id)


class TourPublication(db.Model):
    """The published version of a tour: what people outside its team see while the team
    goes on editing the draft (the tour's own rows).

    One per tour whose visibility is not ``draft``, replaced whole at each publication.
    ``document`` holds the tour's own fields and its stops in order (texts, places, site
    ids, media ids): see :mod:`tourbuilder.services.publishing`. Sites and media items are
    not copied: they are shown as they are now, under their own rules (only publishable
    media reach the public).
    """

    tour_id: Mapped[int] = mapped_column(
        ForeignKey("tour.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[dict] = mapped_column(JSON, nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )

    def media_ids(self) -> set[int]:
        """Every media item the published version shows (the cover included)."""
        ids = {media_id for stop in self.document["stops"] for media_id in stop["media_ids"]}
        cover = self.document["tour"].get("cover_id")
        return ids | {cover} if cover else ids


class Stop(Timestamps, Translatable, Versioned, db.Model):
    """One step of a tour: a site (or a place of its own), its story and its media, and
    for workshops its presenter notes and discussion prompts (shown to those who may
    present the tour)."""

    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tour.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("site.id", ondelete="SET NULL"), default=None
    )
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    title: Mapped[dict] = translated_column()
    narrative: Mapped[dict] = translated_column()
    presenter_notes: Mapped[dict] = translated_column()
    #: questions a facilitator asks the group at this stop in a workshop
    discussion_prompts: Mapped[dict] = translated_column()
    zoom: Mapped[int | None] = mapped_column(Integer, default=None)
    layout: Mapped[str] = mapped_column(String(40), default="")

    tour: Mapped[Tour] = relationship(back_populates="stops")
    site: Mapped[Site | None] = relationship()
    media_links: Mapped[list[StopMedia]] = relationship(
        order_by="StopMedia.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )

    def fallback_language(self) -> str:
        return self.tour.fallback_language() if self.tour else "en"

    @property
    def media(self) -> list[MediaItem]:
        return [link.media for link in self.media_links]

    def position_for(self, user) -> tuple[float, float] | None:
        """Where the stop is shown: its own place, else its site's (rounded if approximate)."""
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        if self.site is not None:
            return self.site.position_for(user)
        return None

    def display_title(self, lang: str | None = None) -> str:
        return self.text("title", lang) or (self.site.text("name", lang) if self.site else "")


class StopMedia(db.Model):
    """A media item shown at a stop, in order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(ForeignKey("stop.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(
        ForeignKey("media_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    media: Mapped[MediaItem] = relationship()


def media_visible_to(item: MediaItem, user) -> bool:
    """May ``user`` see this item's web derivatives (never the original)?

    Team members always may. Anyone else only when the item is publishable (ready, and
    consent recorded or no people shown) and the published version of a tour they may
    view shows it, or it belongs to a public site.
    """
    if item.can_view(user):
        return True
    if not item.is_publishable:
        return False
    if item.site is not None and item.site.can_view(user):
        return True
    # Outside the team, tours are seen as published: what their publications show counts.
    publications = db.session.scalars(
        select(TourPublication)
        .join(Tour, Tour.id == TourPublication.tour_id)
        .where(Tour.team_id == item.team_id)
    )
    return any(
        item.id in publication.media_ids()
        and db.session.get(Tour, publication.tour_id).can_view(user)
        for publication in publications
    )
