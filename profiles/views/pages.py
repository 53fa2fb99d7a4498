"""Pages: pages."""

urlpatterns: list = []
