from django.urls import path

from frontend.views import catalog, home, officer, producer

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", home.dashboard, name="dashboard"),
    # Area pages come before the generic role dashboard so that they can own /dashboard/<role>/.
    *producer.urlpatterns,
    *officer.urlpatterns,
    *catalog.urlpatterns,
    path("dashboard/<slug:role>/", home.dashboard_role, name="dashboard-role"),
]
