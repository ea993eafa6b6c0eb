"""Readers of calendar exports."""
