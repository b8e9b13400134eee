"""Running ffprobe and ffmpeg safely: forced demuxer, file-only protocols, timeouts.

Every input is given as ``-protocol_whitelist file -format_whitelist D -f D -i
file:/absolute/path``: the demuxer ``D`` was chosen from the file's magic
bytes, so an HLS playlist or an ffconcat script renamed ``.mp4`` is parsed as
MP4 (and refused) and can never make ffmpeg open another file or a URL; the
``file:`` prefix stops a name like ``concat:a.mp4|b.mp4`` being read as a
protocol. Processes run in their own session so a timeout kills the whole
group.
"""

import json
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import MediaError

log = logging.getLogger(__name__)

Progress = Callable[[float], None]


def file_url(path: Path) -> str:
    """``file:`` URL of ``path`` that ffmpeg cannot read as another protocol."""
    return "file:" + str(Path(path).resolve())


def input_args(path: Path, demuxer: str, *, seek_s: float | None = None) -> list[str]:
    """Arguments opening ``path`` with exactly one demuxer and the file protocol only."""
    seek = ["-ss", f"{seek_s:.3f}"] if seek_s else []
    return [
        *seek,
        "-protocol_whitelist", "file",
        "-format_whitelist", demuxer,
        "-f", demuxer,
        "-i", file_url(path),
    ]  # fmt: skip


def base_args(ffmpeg: str) -> list[str]:
    """The start of every ffmpeg command: quiet, never reading stdin, never asking."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def probe(path: Path, demuxer: str, *, ffprobe: str, timeout_s: float) -> dict:
    """ffprobe ``path`` with a forced demuxer; return its JSON (format + streams).

    :raise MediaError: the file does not parse as ``demuxer`` (permanent).
    """
    args = [
        ffprobe, "-hide_banner", "-loglevel", "error",
        "-of", "json", "-show_format", "-show_streams",
        *input_args(path, demuxer),
    ]  # fmt: skip
    out = run(
        args,
        timeout_s=timeout_s,
        failure=f"This file looks like {demuxer_label(demuxer)} but it is damaged or "
        "incomplete, so it cannot be read.",
    )
    try:
        info = json.loads(out or b"{}")
    except ValueError as exc:
        raise MediaError("This file could not be read.") from exc
    if "format" not in info:
        raise MediaError(f"This file looks like {demuxer_label(demuxer)} but it cannot be read.")
    info.setdefault("streams", [])
    return info


def demuxer_label(demuxer: str) -> str:
    """Words for a demuxer in messages."""
    return {
        "mov": "an MP4/MOV video",
        "matroska": "a WebM/MKV video",
        "mp3": "an MP3 recording",
        "aac": "an AAC recording",
        "ogg": "an Ogg recording",
        "wav": "a WAV recording",
    }.get(demuxer, "a media file")


def run(
    args: list[str],
    *,
    timeout_s: float,
    failure: str = "This file could not be processed.",
    progress: Progress | None = None,
    duration_s: float | None = None,
) -> bytes:
    """Run ``args``; return stdout. Kill the process group after ``timeout_s``.

    With ``progress``, stdout is ffmpeg's ``-progress pipe:1`` key=value
    stream and ``progress(percent)`` is called as ``out_time_us`` advances.

    :raise MediaError: timeout ("processing took too long", permanent), a
        non-zero exit (``failure``, permanent) or a missing tool (transient).
    """
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        log.error("cannot start %s: %s", args[0], exc)
        raise MediaError("The media tools are not available right now.", permanent=False) from exc
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=_read_err, args=(proc.stderr, err), daemon=True),
        threading.Thread(
            target=_read_progress if progress else _read_all,
            args=(proc.stdout, progress, duration_s) if progress else (proc.stdout, out),
            daemon=True,
        ),
    ]
    for reader in readers:
        reader.start()
    try:
        rc = proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise MediaError("processing took too long", permanent=True) from None
    finally:
        for reader in readers:
            reader.join(timeout=5)
    if rc != 0:
        log.warning("%s exited %s: %s", Path(args[0]).name, rc, b"".join(err)[-2000:])
        raise MediaError(failure)
    return b"".join(out)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _read_all(stream, sink: list[bytes]) -> None:
    for chunk in iter(lambda: stream.read(65536), b""):
        sink.append(chunk)


def _read_err(stream, sink: list[bytes]) -> None:
    # Keep the tail only: a hostile file can make a decoder print forever.
    size = 0
    for chunk in iter(lambda: stream.read(4096), b""):
        sink.append(chunk)
        size += len(chunk)
        while size > 65536 and len(sink) > 1:
            size -= len(sink.pop(0))


def _read_progress(stream, progress: Progress, duration_s: float | None) -> None:
    # Keep draining even if the callback fails, or ffmpeg would block on a full pipe.
    for raw in stream:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        try:
            if key == "out_time_us" and duration_s and value.isdigit():
                progress(min(100.0, int(value) / 1e6 / duration_s * 100))
            elif key == "progress" and value == "end":
                progress(100.0)
        except Exception:
            log.exception("progress callback failed")
