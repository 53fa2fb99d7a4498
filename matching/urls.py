"""Routes of this app: pages, and the API under api/."""

urlpatterns: list = []
