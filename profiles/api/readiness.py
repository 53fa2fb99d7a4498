"""API routes: readiness."""

urlpatterns: list = []
