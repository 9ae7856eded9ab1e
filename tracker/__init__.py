"""tracker: follow-up of the yearly integrity and transparency (ITA) measures."""

__version__ = "0.1.0"
