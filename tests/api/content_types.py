"""The content types a JSON body may be declared as, and each one's outcome (`app.policies.content_type`)."""

from __future__ import annotations

READ = "read"
REFUSED = "refused"
CHARSET = "charset"

# Content-Type (None: no header) -> outcome
CONTENT_TYPES: dict[str | None, str] = {
    None: READ,
    "": READ,
    "application/json": READ,
    "APPLICATION/JSON": READ,
    "application/json; charset=utf-8": READ,
    "application/json;charset=UTF-8": READ,
    'application/json; charset="utf-8"': READ,
    "application/json; charset=utf8": READ,
    "application/json; profile=x": READ,
    "application/merge-patch+json": READ,
    "application/vnd.shop.order+json": READ,
    "application/graphql-response+json": READ,
    "application/json; charset=iso-8859-1": CHARSET,
    "application/json; charset=utf-16": CHARSET,
    "text/plain": REFUSED,
    "text/plain; charset=utf-8": REFUSED,  # AWS SNS, some relays
    "text/json": REFUSED,
    "text/html": REFUSED,
    "application/x-www-form-urlencoded": REFUSED,  # curl -d without -H
    "multipart/form-data; boundary=x": REFUSED,
    "application/xml": REFUSED,
    "application/octet-stream": REFUSED,
    "application/jsonx": REFUSED,
    "application/json-seq": REFUSED,
    "application/+json": REFUSED,
    "application/json, text/plain": REFUSED,
    "json": REFUSED,
    "*/*": REFUSED,
    "garbage;;;": REFUSED,
}

NOT_JSON = "The request body must be JSON: send Content-Type: application/json (or a +json type); got {!r}."


def expected_message(content_type: str) -> str:
    if CONTENT_TYPES[content_type] == CHARSET:
        charset = content_type.split("charset=")[1]
        return f"A JSON body is UTF-8: charset={charset!r} is not read."
    return NOT_JSON.format(content_type)


# Content-Encoding, one tuple item per header line (empty: no header) -> outcome: READ, or the
# value quoted back by the 415 (RFC 9110 §8.4: only `identity`, the body as it came, is read)
CONTENT_ENCODINGS: dict[tuple[str, ...], str] = {
    (): READ,
    ("",): READ,
    ("identity",): READ,
    ("IDENTITY",): READ,
    (" identity ",): READ,
    ("identity, identity",): READ,
    ("gzip",): "gzip",
    ("GZIP",): "GZIP",
    ("x-gzip",): "x-gzip",
    ("br",): "br",
    ("deflate",): "deflate",
    ("zstd",): "zstd",
    ("compress",): "compress",
    ("gzip, identity",): "gzip, identity",
    ("identity", "gzip"): "identity, gzip",
    ("", "br"): "br",
}


def encoding_message(coding: str) -> str:
    return f"The request body must be sent uncompressed: Content-Encoding {coding!r} is not read."
