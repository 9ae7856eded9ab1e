"""Reminders: deciding what is due (policy.py, workdays.py: pure), storing and
claiming it (outbox.py), rendering it (compose.py), sending it (run.py), and
previewing a season (preview.py)."""
