from django.urls import path

from frontend.views import account, catalog, finance, home, members, officer, orders, payments, producer, search, terms

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", home.dashboard, name="dashboard"),
    # Area pages come before the generic role dashboard so that they can own /dashboard/<role>/.
    *orders.urlpatterns,
    *payments.urlpatterns,
    *finance.urlpatterns,
    *terms.urlpatterns,
    *producer.urlpatterns,
    *officer.urlpatterns,
    *catalog.urlpatterns,
    *search.urlpatterns,
    *account.urlpatterns,
    *members.urlpatterns,
    path("dashboard/<slug:role>/", home.dashboard_role, name="dashboard-role"),
]
