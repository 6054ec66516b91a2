"""Kanal commerce data service."""
