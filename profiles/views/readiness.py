"""Pages: readiness."""

urlpatterns: list = []
