"""The domain model. Permission rules live on the models, documented in their docstrings."""

from .base import utcnow
from .media import Consent
from .media import MediaItem
from .media import MediaKind
from .media import MediaStatus
from .sites import Site
from .sites import SiteVisibility
from .teams import ApiToken
from .teams import Invitation
from .teams import Membership
from .teams import Role
from .teams import Team
from .teams import User
from .tours import PUBLISHED
from .tours import Stop
from .tours import StopMedia
from .tours import Tour
from .tours import TourPublication
from .tours import TourVisibility
from .uploads import UploadSession
from .workshops import Reflection
from .workshops import Workshop
from .workshops import WorkshopFacilitator
from .workshops import WorkshopTour

__all__ = [
    "ApiToken",
    "Consent",
    "Invitation",
    "MediaItem",
    "MediaKind",
    "MediaStatus",
    "Membership",
    "PUBLISHED",
    "Reflection",
    "Role",
    "Site",
    "SiteVisibility",
    "Stop",
    "StopMedia",
    "Team",
    "Tour",
    "TourPublication",
    "TourVisibility",
    "UploadSession",
    "User",
    "Workshop",
    "WorkshopFacilitator",
    "WorkshopTour",
    "utcnow",
]
