"""360° panoramas: a viewer-sized equirectangular image, thumbnails, and the first view."""

from pathlib import Path

from . import imaging
from .metadata import gpano
from .photos import decode
from .photos import plan_sizes
from .results import Derivative
from .results import PanoramaResult
from .results import PanoramaView
from .settings import MediaSettings


def process_panorama(
    src: Path, out_dir: Path, settings: MediaSettings | None = None, *, fmt: str | None = None
) -> PanoramaResult:
    """Write ``panorama-<width>.jpg`` for the viewer plus the usual photo sizes.

    :raise MediaError: as for photos.
    """
    settings = settings or MediaSettings()
    out_dir = Path(out_dir)
    decoded = decode(Path(src), settings, settings.panorama_max_width, fmt=fmt)
    image = decoded.image
    # The viewer image is bounded by its width (2:1), not its long edge.
    if image.width > settings.panorama_max_width:
        image = image.resize(
            imaging.scaled(*image.size, settings.panorama_max_width), imaging.LANCZOS
        )
    path = out_dir / f"panorama-{image.width}.jpg"
    # Higher quality than the thumbnails: the viewer shows it magnified.
    nbytes = imaging.save(image, path, "jpeg", settings, quality=settings.panorama_jpeg_quality)
    viewer = Derivative("panorama", image.width, "jpeg", str(path), *image.size, nbytes)
    thumbs, smallest = imaging.write_sizes(
        image, plan_sizes(max(image.size), settings.photo_sizes), out_dir, "photo", settings
    )
    return PanoramaResult(
        width=decoded.width,
        height=decoded.height,
        derivatives=[viewer, *thumbs],
        placeholder=imaging.placeholder(smallest, settings.placeholder_size),
        metadata=decoded.metadata,
        view=initial_view(gpano(decoded.xmp)),
    )


def initial_view(props: dict[str, str]) -> PanoramaView:
    """The first view from GPano properties; sensible defaults for any that are missing."""
    pose = _float(props.get("PoseHeadingDegrees"))
    initial = _float(props.get("InitialViewHeadingDegrees"))
    heading = 0.0
    if initial is not None:
        heading = _wrap(initial - (pose or 0.0))
    view = PanoramaView(
        heading=heading,
        pitch=_clamp(_float(props.get("InitialViewPitchDegrees")) or 0.0, -90, 90),
        fov=_clamp(_float(props.get("InitialHorizontalFOVDegrees")) or 75.0, 10, 120),
        pose_heading=None if pose is None else _wrap(pose) % 360,
    )
    full_w = _float(props.get("FullPanoWidthPixels"))
    full_h = _float(props.get("FullPanoHeightPixels"))
    crop_w = _float(props.get("CroppedAreaImageWidthPixels"))
    crop_h = _float(props.get("CroppedAreaImageHeightPixels"))
    top = _float(props.get("CroppedAreaTopPixels")) or 0.0
    if full_w and full_h and crop_w and crop_h and crop_w <= full_w and crop_h <= full_h:
        view.horizontal_coverage = round(360 * crop_w / full_w, 3)
        view.vertical_coverage = round(180 * crop_h / full_h, 3)
        view.vertical_offset = round(90 - 180 * (top + crop_h / 2) / full_h, 3)
    return view


def _float(value: str | None) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if abs(number) < 1e6 else None


def _wrap(degrees: float) -> float:
    """Degrees into [-180, 180)."""
    return (degrees + 180) % 360 - 180


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
