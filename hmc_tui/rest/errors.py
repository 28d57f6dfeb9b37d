"""HTTP errors as the HMC sends them: a status and an HttpErrorResponse body, never a
traceback. Handlers raise RestError; the middleware in server.py renders it."""

from __future__ import annotations

from engine.errors import HmcError

# HTTP status -> the HMC's ReasonCode wording for it.
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict",
    412: "Precondition Failed", 413: "Request Entity Too Large",
    415: "Unsupported Media Type", 500: "Unknown internal error.",
    503: "Service Unavailable",
}


class RestError(Exception):
    """An HTTP error with the HMC's message (an HSCL code and sentence)."""

    def __init__(self, status: int, error: HmcError | str,
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = str(error)
        self.headers = headers or {}
        super().__init__(f"{status} {self.message}")


def rest_error(status: int, code: str, /, **fields: object) -> RestError:
    return RestError(status, HmcError(code, **fields))
