"""Writers that take tieline's data elsewhere: vCard, CSV, JSON (services/export.py gathers the data)."""
