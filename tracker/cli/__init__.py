"""The command line: thin click commands over tracker.services."""
