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
    """Where the panorama viewer starts looking, in degrees."""

    heading: float = 0.0
    pitch: float = 0.0
    fov: float = 75.0
    pose_heading: float | None = None  # compass direction of the image centre


@dataclass
class PhotoResult:
    width: int  # as displayed, after EXIF orientation
    height: int
    derivatives: list[Derivative]
    placeholder: Placeholder
    metadata: MediaMetadata


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
