"""Pages of the profiles app: `pages` (landing, sign-in, dashboards, seeds, needs, investors,
organisation profile) and `readiness` (readiness, comparison, price estimator)."""

from .pages import urlpatterns as pages_urlpatterns
from .readiness import urlpatterns as readiness_urlpatterns

urlpatterns = [*pages_urlpatterns, *readiness_urlpatterns]
