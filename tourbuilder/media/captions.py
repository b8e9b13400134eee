"""Captions: WebVTT files checked and sanitised before they are served next to a video."""

import re
from pathlib import Path

from .errors import MediaError
from .settings import MediaSettings

# Any tag except WebVTT cue tags (and cue timestamps such as <00:01.500>).
_TAGS = re.compile(r"<(?!/?(?:(?:b|i|u|c|v|lang|ruby|rt)\b|\d))[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitize_captions(path: Path, settings: MediaSettings | None = None) -> str:
    """Return the WebVTT text of ``path``, cleaned; refuse anything that is not WebVTT.

    Cleaning removes control characters, any markup that is not a WebVTT cue
    tag (``<b> <i> <u> <c> <v> <lang> <ruby> <rt>``) and ``STYLE`` blocks,
    whose CSS could restyle the page around the player.

    :raise MediaError: too big, not UTF-8, or no ``WEBVTT`` header.
    """
    settings = settings or MediaSettings()
    path = Path(path)
    size = path.stat().st_size
    if size > settings.max_caption_bytes:
        raise MediaError(
            f"This captions file is {size // 1024} KB; the largest accepted is"
            f" {settings.max_caption_bytes // 1024} KB."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MediaError("Captions must be saved as UTF-8 text (WebVTT).") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not re.match(r"WEBVTT(?:[ \t][^\n]*)?(?:\n|$)", text):
        raise MediaError(
            "This is not a WebVTT captions file (it must start with the line WEBVTT);"
            " accepted captions are .vtt files."
        )
    blocks = [block for block in text.split("\n\n") if not _is_style(block)]
    return _TAGS.sub("", _CONTROL.sub("", "\n\n".join(blocks))).rstrip("\n") + "\n"


def _is_style(block: str) -> bool:
    return block.lstrip("\n").startswith("STYLE")
