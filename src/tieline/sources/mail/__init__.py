"""Readers of mail exports."""
