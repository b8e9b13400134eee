"""Writing output files atomically: a temporary name in the same folder, then os.replace."""

import contextlib
import os
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def write_atomic(final: Path, writer: Callable[[BinaryIO], None]) -> int:
    """Call ``writer(fp)`` on a temporary file, then move it to ``final``; return its size."""
    with temp_path(final) as tmp:
        with open(tmp, "wb") as fp:
            writer(fp)
    return final.stat().st_size


@contextlib.contextmanager
def temp_path(final: Path) -> Iterator[Path]:
    """A temporary path beside ``final``, renamed to ``final`` if the block succeeds.

    Readers never see a half-written file, and a failure leaves nothing behind.
    """
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
