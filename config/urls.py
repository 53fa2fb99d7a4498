"""Top-level URLs. Each app's urls.py holds its pages and its API routes (under api/);
here: the health probe, the schema and its docs, Django admin. The language switch
(`set_language`) is the profiles app's: it remembers a signed-in user's choice."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("profiles.urls")),
    path("", include("notifications.urls")),
    path("", include("matching.urls")),
    path("", include("messaging.urls")),
    path("", include("cases.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
