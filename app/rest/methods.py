"""405 answers name the methods their path takes, in `Allow` (RFC 9110 §15.5.6).

Starlette's router answers a method a path does not take with the methods of the first route
that matched the path, and only those: `…/orders/{external_id}` is two routes (PATCH, GET), so
a PUT there would list PATCH alone; and the exception handler that renders the 405 as JSON
dropped even that header. The methods are gathered here from every route the path matches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope, given: Mapping[str, str] | None = None) -> str:
    """The `Allow` value of a 405 for the request in `scope`: the methods of every route in
    `routes` whose path matches it (HEAD wherever GET is), with those the refusing app named in
    its own `Allow` (`given`: a mounted app's, such as StaticFiles' GET and HEAD), sorted and
    joined with ", "."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods
    for name, value in (given or {}).items():
        if name.lower() == "allow":
            methods.update(method.strip().upper() for method in value.split(",") if method.strip())
    return ", ".join(sorted(methods))
