"""The one exception the ingest pipeline raises."""


class MediaError(Exception):
    """A media file could not be ingested.

    ``message`` is written for the person who uploaded the file: it says what
    was received and what is accepted, never a stack trace or a tool's raw
    output. ``permanent`` tells a job queue whether retrying can help: a file
    in an unsupported format stays unsupported (permanent), while a missing
    tool or a full disk may go away (transient).
    """

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __str__(self) -> str:
        return self.message
