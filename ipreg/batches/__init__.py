"""Batch re-assignment by upload: reading and validating the file, the preview, the atomic apply and the
rollback, and the bilingual template."""
