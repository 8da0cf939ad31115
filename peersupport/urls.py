from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# Admin logins go through allauth: the same throttling and the same second factor.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("PEER Support administration")
admin.site.site_title = _("PEER Support")

handler403 = "peersupport.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/floor/", views.floor, name="floor"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("peersupport.accounts.urls")),
    path("notifications/", include("peersupport.notifications.urls")),
    path("audit/", include("peersupport.audit.urls")),
    path("programme/", include("programmes.urls")),
    path("workplaces/", include("workplaces.urls")),
    path("supervision/", include("supervision.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("extracts/", include("peersupport.extracts.urls")),
    path("reports/", include("peersupport.reports.urls")),
    path("messages/", include("peersupport.messaging.urls")),
    path("import/", include("peersupport.golive.urls")),
    path("dataprotection/", include("peersupport.dataprotection.urls")),
    path("admin/", admin.site.urls),
]
