"""Use cases. Each takes the database as `db` and never commits: the caller
wraps a change in `db.transaction()`, so a change and its history row land
together or not at all."""
