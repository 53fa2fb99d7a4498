"""The profiles API (mounted under /api/): `catalog` routes and `readiness` routes."""

from .catalog import urlpatterns as catalog_urlpatterns
from .readiness import urlpatterns as readiness_urlpatterns

urlpatterns = [*catalog_urlpatterns, *readiness_urlpatterns]
