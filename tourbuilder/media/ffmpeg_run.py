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
import selectors
import shutil
import signal
import subprocess
import sys
import time
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
        "avi": "an AVI video",
        "mpegts": "an AVCHD/MPEG-TS video",
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
    Both pipes are drained from this thread with a selector (no helper
    threads), and only the tail of stderr is kept: a hostile file can make a
    decoder print forever.

    :raise MediaError: timeout ("processing took too long", permanent), a
        non-zero exit (``failure``, permanent) or a missing tool (transient).
    """
    deadline = time.monotonic() + timeout_s
    if shutil.which(args[0]) is None:
        log.error("cannot start %s: not found", args[0])
        raise MediaError("The media tools are not available right now.", permanent=False)
    try:
        proc = subprocess.Popen(
            [*_DIE_WITH_PARENT, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        log.error("cannot start %s: %s", args[0], exc)
        raise MediaError("The media tools are not available right now.", permanent=False) from exc
    out = bytearray()
    err = bytearray()
    with proc, selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)
        selector.register(proc.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(proc)
                raise MediaError("processing took too long", permanent=True)
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                key.data.extend(chunk)
                if key.data is err and len(err) > 65536:
                    del err[:-65536]
                elif progress and key.data is out:
                    _report(out, progress, duration_s)
        try:
            rc = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise MediaError("processing took too long", permanent=True) from None
    if rc != 0:
        log.warning("%s exited %s: %s", Path(args[0]).name, rc, bytes(err[-2000:]))
        raise MediaError(failure)
    return bytes(out)


def _die_with_parent() -> list[str]:
    """A prefix that makes the tool die with the thread that started it.

    The tools run in sessions of their own (so a timeout can kill a whole group), which
    also means a crashed or killed worker would leave them running. On Linux, util-linux's
    ``setpriv --pdeathsig KILL`` sets the parent-death signal before ``exec``, without the
    thread-unsafe ``preexec_fn``.
    """
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


_DIE_WITH_PARENT = _die_with_parent()


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _report(buffer: bytearray, progress: Progress, duration_s: float | None) -> None:
    """Consume complete ``key=value`` lines of ``-progress`` output from ``buffer``."""
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    for raw in lines:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        try:
            if key == "out_time_us" and duration_s and value.isdigit():
                progress(min(100.0, int(value) / 1e6 / duration_s * 100))
            elif key == "progress" and value == "end":
                progress(100.0)
        except Exception:  # a broken callback must not break the transcode
            log.exception("progress callback failed")
