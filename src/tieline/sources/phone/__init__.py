"""Readers of phone exports."""
