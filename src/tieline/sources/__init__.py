"""Readers for export files: one module per format, each with ``sniff`` and ``read``."""
