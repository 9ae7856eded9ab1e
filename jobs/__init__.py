"""What the scheduler runs: APScheduler wiring and the job functions."""
