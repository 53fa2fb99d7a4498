"""Writes of messaging: opening a thread, posting a message (with its attachments), marking a
thread read."""
