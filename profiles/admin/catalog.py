"""Django admin: catalog."""
