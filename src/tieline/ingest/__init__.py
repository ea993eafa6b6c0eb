"""ingest stage of the pipeline (see DESIGN.md)."""
