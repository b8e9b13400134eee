"""Sites: the transformative projects, each a place on the map."""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import String
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
from .base import Versioned
from .teams import can_edit_team_content
from .teams import is_team_member
from .teams import Team

# Public positions of sites marked "approximate location" are rounded to this many decimals
# (0.01 degree of latitude is about 1.1 km).
APPROXIMATE_DECIMALS = 2


class SiteVisibility(StrEnum):
    DRAFT = "draft"
    PUBLIC = "public"


class Site(Timestamps, Translatable, Versioned, db.Model):
    """A transformative project, shown as a place on the map; it can appear in many tours.

    =============  =========  ==========  ===========  ======  ==========  ==========
    action         anonymous  other team  facilitator  editor  team admin  site admin
    =============  =========  ==========  ===========  ======  ==========  ==========
    view public    yes        yes         yes          yes     yes         yes
    view draft     no         no          yes          yes     yes         yes
    edit           no         no          no           yes     yes         yes
    =============  =========  ==========  ===========  ======  ==========  ==========

    Anyone who may not edit a site sees its position rounded, and no address, when it is
    marked ``approximate_location``: in every page, API answer and export.
    """

    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    name: Mapped[dict] = translated_column()
    description: Mapped[dict] = translated_column()
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(500), default="")
    themes: Mapped[list] = json_list_column()
    website: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(500), default="")
    approximate_location: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[SiteVisibility] = mapped_column(
        enum_column_type(SiteVisibility),
        default=SiteVisibility.DRAFT,
    )

    team: Mapped[Team] = relationship()

    def fallback_language(self) -> str:
        return self.team.default_language if self.team else "en"

    def theme_labels(self, lang: str | None = None) -> list[str]:
        """The site's themes as the reader reads them (labels from the team's list)."""
        return [self.team.theme_label(key, lang) for key in self.themes or []]

    def can_view(self, user) -> bool:
        return self.visibility is SiteVisibility.PUBLIC or is_team_member(user, self.team_id)

    def can_edit(self, user) -> bool:
        return can_edit_team_content(user, self.team_id)

    def is_exact_for(self, user) -> bool:
        """May ``user`` know exactly where the project is?"""
        return not self.approximate_location or self.can_edit(user)

    def position_for(self, user) -> tuple[float, float]:
        """Latitude and longitude as ``user`` may see them."""
        if not self.is_exact_for(user):
            return round(self.lat, APPROXIMATE_DECIMALS), round(self.lon, APPROXIMATE_DECIMALS)
        return self.lat, self.lon

    def address_for(self, user) -> str:
        """The street address as ``user`` may see it: none where the position is rounded."""
        return self.address if self.is_exact_for(user) else ""
