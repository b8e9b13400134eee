"""What the pipeline returns: plain dataclasses that serialise to JSON-able dicts."""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from .metadata import MediaMetadata


@dataclass
class Derivative:
    """One file written to the output folder."""

    role: str  # "photo", "panorama", "video", "audio", "poster"
    size: int  # nominal size: long edge for pictures, short edge for video, 0 for audio
    format: str  # "webp", "jpeg", "mp4", "m4a"
    path: str
    width: int = 0
    height: int = 0
    bytes: int = 0
    remuxed: bool = False  # video/audio copied without re-encoding


@dataclass
class Placeholder:
    """A tiny stand-in shown while the real picture loads."""

    color: str  # dominant colour, "#rrggbb"
    data_uri: str  # a ~16 px WebP to be shown blurred


@dataclass
class PanoramaView:
    """Where the panorama viewer starts looking, and what the image covers, in degrees.

    ``heading`` is measured from the centre of the image (a viewer's "yaw");
    ``pose_heading`` is the compass direction of that centre, when known, so
    ``pose_heading + heading`` is the compass direction of the first view.
    """

    heading: float = 0.0
    pitch: float = 0.0
    fov: float = 75.0
    pose_heading: float | None = None
    horizontal_coverage: float = 360.0  # a partial panorama covers less
    vertical_coverage: float = 180.0
    vertical_offset: float = 0.0  # centre of the covered band above the horizon


@dataclass
class PhotoResult:
    width: int  # as displayed, after EXIF orientation
    height: int
    derivatives: list[Derivative]
    placeholder: Placeholder
    metadata: MediaMetadata


@dataclass
class PanoramaResult(PhotoResult):
    view: PanoramaView = field(default_factory=PanoramaView)


@dataclass
class VideoResult:
    width: int  # as displayed, after rotation
    height: int
    duration: float
    derivatives: list[Derivative]
    poster: list[Derivative]
    metadata: MediaMetadata
    placeholder: Placeholder | None = None


@dataclass
class AudioResult:
    duration: float
    derivatives: list[Derivative]
    metadata: MediaMetadata = field(default_factory=MediaMetadata)


@dataclass
class IngestResult:
    """Everything known about one ingested media item."""

    kind: str  # photo, panorama, video, audio
    format: str
    mime: str
    sha256: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    metadata: MediaMetadata = field(default_factory=MediaMetadata)
    derivatives: list[Derivative] = field(default_factory=list)
    placeholder: Placeholder | None = None
    poster: list[Derivative] = field(default_factory=list)
    panorama: PanoramaView | None = None
    looks_like_panorama: bool = False

    def as_dict(self) -> dict:
        """A JSON-able dict (nested dataclasses become dicts)."""
        return asdict(self)
