"""Serve a ceiling app with the uvicorn settings of `kanal serve` (uvloop, httptools, no
access log), so a benchmark compares like with like."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn


def serve_like_kanal(app: str, description: str, default_port: int) -> None:
    """`app` is "module:attribute" of a module in this folder; reads --host/--port/--workers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        app,
        app_dir=str(Path(__file__).parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="info",
    )
