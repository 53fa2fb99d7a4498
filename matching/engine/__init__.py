"""Pure matching computation over arrays and dataclasses (embedding, retrieval, scoring, assignment, metrics); no database access."""
