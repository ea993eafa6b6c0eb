"""One module per area of the web app; each calls the services, renders its templates (see docs/DESIGN.md)."""
