"""Which request bodies are read as JSON: the `Content-Type` a REST write or a GraphQL POST may
declare (issue 13: a `text/plain` body used to be parsed as JSON without a word).

Rule (RFC 8259 §11, RFC 6839 §3.1, RFC 9110 §15.5.16):

- `application/json`, and any `application/<name>+json` (`application/merge-patch+json`, which
  is what a PATCH here means; `application/vnd.shop+json`; `application/graphql-response+json`),
  case-insensitive, with or without parameters — a `charset` parameter must be UTF-8 (JSON's
  only encoding between systems); others are ignored;
- no `Content-Type` at all (or an empty one): read as JSON, as the scripts and relays that send
  none mean it;
- anything else is refused with 415 before the body is read: `text/plain`, a form
  (`application/x-www-form-urlencoded`, curl's default for `-d`), `multipart/form-data`,
  `text/json`, a type that does not parse. A relay that cannot set a JSON type (some send
  `text/plain`) is configured to send `application/json`, or none.
- a body sent compressed (a `Content-Encoding` other than `identity`: `gzip`, `br`, `deflate`)
  is refused with 415 too, before it is read, naming `identity` in `Accept-Encoding` (RFC 9110
  §8.4, §12.5.3): read as it came, its bytes would be reported as text that is not UTF-8.
"""

from __future__ import annotations

import functools
from email.message import Message

STATUS = 415
ACCEPTED = "application/json"  # for the Accept-Post / Accept-Patch headers of a 415
_SHOWN = 100  # characters of a refused header quoted back


class UnsupportedMediaType(Exception):
    """A body whose declared type is not JSON; `str()` is the message for the 415."""

    def advice(self, method: str) -> dict[str, str]:
        """The 415's headers naming what is read: Accept-Post / Accept-Patch (RFC 9110
        §15.5.16, RFC 5789 §2.2), for a request of `method`."""
        return {f"accept-{method.lower()}": ACCEPTED}


class UnsupportedEncoding(UnsupportedMediaType):
    """A body sent compressed: its `Content-Encoding` is not `identity` (415)."""

    def advice(self, method: str) -> dict[str, str]:
        """Accept-Encoding names the only coding read (RFC 9110 §15.5.16, §12.5.3)."""
        return {"accept-encoding": "identity"}


def check_content_encoding(header: str | None) -> None:
    """Returns when a body sent with `Content-Encoding: header` (every line's value joined by
    ", "; None when absent) is read as it came: no coding, or only `identity`; raises
    UnsupportedEncoding saying why otherwise."""
    codings = [coding.strip().lower() for coding in (header or "").split(",")]
    if any(coding not in ("", "identity") for coding in codings):
        raise UnsupportedEncoding(
            f"The request body must be sent uncompressed: Content-Encoding {_quoted(header or '')} is not read."
        )


def check_content_type(header: str | None) -> None:
    """Returns when a body declared as `header` (the `Content-Type` value, None when absent) is
    read as JSON; raises UnsupportedMediaType saying why otherwise."""
    if header is None:
        return
    refusal = _refusal(header)
    if refusal is not None:
        raise UnsupportedMediaType(refusal)


@functools.lru_cache(maxsize=256)
def _refusal(header: str) -> str | None:
    """Why a body declared as `header` is not read, or None. Kept per header value: clients send
    the same few, and parsing one with `email.message` costs more than the rest of the check."""
    if not header.strip():
        return None
    parsed = Message()
    parsed["content-type"] = header
    params = parsed.get_params(failobj=[])
    media_type = params[0][0].strip().lower() if params and not params[0][1] else ""
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or (subtype.endswith("+json") and len(subtype) > 5)):
        advice = "send Content-Type: application/json (or a +json type)"
        return f"The request body must be JSON: {advice}; got {_quoted(header)}."
    charset = parsed.get_param("charset")
    if isinstance(charset, str) and charset.strip().lower() not in ("utf-8", "utf8"):
        return f"A JSON body is UTF-8: charset={_quoted(charset)} is not read."
    return None


def _quoted(value: str) -> str:
    """The refused value as a Python literal: control characters escaped, long ones cut."""
    return repr(value[:_SHOWN] + ("…" if len(value) > _SHOWN else ""))
