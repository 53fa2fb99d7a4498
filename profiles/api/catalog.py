"""API routes: catalog."""

urlpatterns: list = []
