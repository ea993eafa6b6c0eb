"""tieline: who would actually take your call."""

__version__ = "0.1.0"
