"""The one exception the ingest pipeline raises."""


class MediaError(Exception):
    """A media file could not be ingested.

    ``message`` is written for the person who uploaded the file: it says what
    was received and what is accepted, never a stack trace or a tool's raw
    output. ``permanent`` tells a job queue whether retrying can help: a file
    in an unsupported format stays unsupported (permanent), while a missing
    tool or a full disk may go away (transient). ``kind`` is what the file was
    recognised as, when that is known although it was refused: ``photo``,
    ``panorama``, ``video`` or ``audio`` once its content was detected, ``track``
    for a GPS track; None when it is not known.
    """

    def __init__(self, message: str, *, permanent: bool = True, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.kind = kind

    def __str__(self) -> str:
        return self.message
