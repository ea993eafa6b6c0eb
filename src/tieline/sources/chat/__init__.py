"""Readers of chat exports."""
