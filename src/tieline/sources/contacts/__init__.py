"""Readers of contacts exports."""
