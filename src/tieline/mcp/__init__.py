"""`tieline mcp`: the read services as a Model Context Protocol server over stdio (see server.py)."""
