"""Limits and output choices of the ingest pipeline, in one frozen dataclass."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaSettings:
    """Settings for :func:`tourbuilder.media.ingest`; every field has a safe default.

    Limits are checked from headers (photos) or ffprobe (video, audio) before
    anything is decoded, so a hostile file is refused cheaply.
    """

    # --- photos -----------------------------------------------------------
    #: Largest photo accepted, in pixels (width x height); 100 MP.
    max_pixels: int = 100_000_000
    #: Long-edge sizes of the photo derivatives; never upscaled. A photo
    #: smaller than the largest size also gets one derivative at its own size.
    photo_sizes: tuple[int, ...] = (320, 640, 1280, 2048)
    #: A JPEG may be decoded at 1/2, 1/4 or 1/8 scale (much faster, a quarter
    #: of the memory) when that still gives at least (1 - slack) of the largest
    #: requested long edge; that derivative is then a little smaller than
    #: asked (e.g. 2016 instead of 2048 for a 4032 px phone photo). 0 = exact.
    jpeg_draft_slack: float = 0.025
    jpeg_quality: int = 82
    #: Progressive JPEGs are ~10 % smaller but ~5x slower to encode; the JPEGs
    #: are only the fallback for browsers without WebP, so speed wins.
    jpeg_progressive: bool = False
    webp_quality: int = 80
    #: libwebp effort 0 (fastest) .. 6 (smallest); 4 is libwebp's default.
    webp_method: int = 2
    #: Long edge of the tiny blurred preview sent inline as a data URI.
    placeholder_size: int = 16
    # Encoder threads per photo (Pillow encodes without holding the GIL).
    encode_threads: int = 2

    # --- panoramas --------------------------------------------------------
    #: Width of the equirectangular image handed to the panorama viewer.
    panorama_max_width: int = 4096
    panorama_jpeg_quality: int = 85

    # --- video ------------------------------------------------------------
    max_video_duration_s: float = 30 * 60
    max_dimension: int = 8192
    max_fps: float = 120.0
    max_video_streams: int = 4
    max_audio_streams: int = 8
    max_streams: int = 16
    #: Renditions by short edge: 720 fits in 1280x720, 1080 in 1920x1080
    #: (turned for portrait video). Only renditions no larger than the source
    #: are made; a source smaller than all of them gets one at its own size.
    video_renditions: tuple[int, ...] = (720, 1080)
    #: Bitrate ceilings (bits/s) per rendition. A source that is already
    #: H.264 yuv420p + AAC, unrotated, and under the ceiling is remuxed
    #: (``-c copy``) instead of re-encoded.
    video_max_bitrate: tuple[tuple[int, int], ...] = ((720, 5_000_000), (1080, 8_000_000))
    x264_preset: str = "veryfast"
    x264_crf: int = 23
    audio_bitrate: int = 128_000
    poster_max_edge: int = 1280

    # --- audio ------------------------------------------------------------
    max_audio_duration_s: float = 3 * 60 * 60

    # --- captions ---------------------------------------------------------
    max_caption_bytes: int = 512 * 1024

    # --- tools ------------------------------------------------------------
    ffmpeg: str = "/usr/bin/ffmpeg"
    ffprobe: str = "/usr/bin/ffprobe"
    #: Wall-clock limit for one ffmpeg run; the process group is killed after.
    ffmpeg_timeout_s: float = 15 * 60
    ffprobe_timeout_s: float = 30.0
    #: ``-threads`` for ffmpeg; 0 lets ffmpeg use every core.
    ffmpeg_threads: int = 0

    def bitrate_ceiling(self, short_edge: int) -> int:
        """Bitrate ceiling for a rendition of ``short_edge`` (the nearest rendition at/above)."""
        for edge, rate in sorted(self.video_max_bitrate):
            if short_edge <= edge:
                return rate
        return max(rate for _, rate in self.video_max_bitrate)
