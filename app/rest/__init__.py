"""The REST compatibility layer: parse, call the domain service, render."""
