"""The one exception base of uxlab and its subclasses.

    UxlabError (status 500)
    ├── ScenarioError      (400) a scenario file is invalid: file, line, field
    ├── MetricInputError   (400) a metric got input it cannot use (also a ValueError)
    ├── BadRequest         (400) a request body or parameter is invalid
    │   ├── InvalidAnswers  (400) questionnaire or SEQ answers: a reason per form field
    │   └── PayloadTooLarge (413)
    ├── Unauthorized       (401) missing or wrong credentials / token
    ├── Forbidden          (403) credentials valid, but not for this resource
    ├── NotFound           (404) unknown study, token, attempt ...
    ├── Conflict           (409) the request contradicts stored state
    ├── Gone               (410) closed study, finished session, ended attempt
    │   ├── StudyClosed     (410) the researcher closed the study
    │   └── StudyFull       (410) recruiting ended: the quota is full, or past close_at
    ├── TooManyRequests    (429)
    ├── ServiceUnavailable (503) the database is unreachable or too slow: try again later
    └── ProbeError         (2 as exit status) a probe could not run: browser, site, file

Each error has three faces, all drawn from this base: ``uxlab.web.errors`` renders it as
an HTML page or, under /api/, as the JSON body of ``to_dict()``
(``{"error": {"status": ..., "message": ..., "field": ...}}``); the CLI prints
``cli_lines()`` (``uxlab: <message>``) and exits with ``exit_code``. A redirect is not an
error: a participant at another step is sent there by the view, from a return value.
This module imports nothing from Flask so that pure layers (metrics, scenarios) can
raise these errors.
"""

from __future__ import annotations


class UxlabError(Exception):
    """Base of every error uxlab shows to a user."""

    status = 500
    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def cli_lines(self) -> tuple[str, ...]:
        """Return what the command line prints on stderr for this error, one line each."""
        return (f"uxlab: {self.message}",)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON body the API sends for this error."""
        body: dict[str, object] = {"status": self.status, "message": self.message}
        if self.field:
            body["field"] = self.field
        return {"error": body}


class ScenarioError(UxlabError):
    """A scenario file is invalid; the message names file, line and field."""

    status = 400

    def __init__(
        self, message: str, *, path: str = "<string>", line: int | None = None, field: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else path
        what = f" {field}:" if field else ""
        super().__init__(f"{where}:{what} {message}", field=field)
        self.path = path
        self.line = line
        self.reason = message
        self.more: tuple[ScenarioError, ...] = ()  # further problems found in the same file

    def problems(self) -> tuple[ScenarioError, ...]:
        """This problem and the others found in the same file, in line order."""
        return (self, *self.more)

    def cli_lines(self) -> tuple[str, ...]:
        """One ``uxlab: file:line: field: reason`` line per problem in the file."""
        return tuple(f"uxlab: {problem.message}" for problem in self.problems())


class MetricInputError(UxlabError, ValueError):
    """A metric function got input it cannot compute on."""

    status = 400


class BadRequest(UxlabError):
    status = 400


class InvalidAnswers(BadRequest):
    """Questionnaire or SEQ answers failed validation; ``errors`` maps each form field to a reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(f"{first}: {errors[first]}", field=first)
        self.errors = errors


class PayloadTooLarge(BadRequest):
    status = 413


class Unauthorized(UxlabError):
    status = 401


class Forbidden(UxlabError):
    status = 403


class NotFound(UxlabError):
    status = 404


class Conflict(UxlabError):
    status = 409


class Gone(UxlabError):
    status = 410


class StudyClosed(Gone):
    """The study is closed: participants get a 410 page."""


class StudyFull(Gone):
    """Recruiting ended: ``reason`` is "full" (the quota is taken) or "closed" (past close_at)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"This study is {reason}.")
        self.reason = reason


class TooManyRequests(UxlabError):
    """Over a rate limit; ``retry_after_s`` (if known) becomes the Retry-After header."""

    status = 429

    def __init__(self, message: str, *, field: str | None = None, retry_after_s: int | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after_s = retry_after_s


class ServiceUnavailable(UxlabError):
    """A dependency (the database) is unreachable or timed out; ``retry_after_s`` becomes Retry-After."""

    status = 503

    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ProbeError(UxlabError):
    """A probe could not run at all (usage or setup problem): exit status 2."""

    exit_code = 2
