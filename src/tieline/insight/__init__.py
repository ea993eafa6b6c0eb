"""insight stage of the pipeline (see DESIGN.md)."""
