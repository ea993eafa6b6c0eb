"""web stage of the pipeline (see DESIGN.md): FastAPI + Jinja2 + htmx, thin over the services.

``create_app`` (web/app.py) builds the app; ``tieline serve`` runs it with uvicorn.
"""
