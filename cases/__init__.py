"""The library of organisation-to-organisation partnership cases."""
