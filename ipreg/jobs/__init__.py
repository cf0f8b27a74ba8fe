"""Long work off the web request: the job queue with leases and its handlers (imports, flag runs, batch
previews, applies and rollbacks, gazetteer loads)."""
