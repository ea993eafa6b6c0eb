"""The use cases both the CLI and the web app call. No business logic lives in cli/ or web/."""
