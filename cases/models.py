"""Partnership case library models."""
