from django.urls import path

from frontend.views import (
    account,
    approvals,
    assist,
    buyer,
    buyer_preferences,
    catalog,
    delivery,
    finance,
    home,
    investors,
    members,
    officer,
    orders,
    payments,
    placements,
    producer,
    programme,
    search,
    showcases,
    storefront,
    terms,
)

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    *storefront.urlpatterns,
    path("dashboard/", home.dashboard, name="dashboard"),
    # Area pages come before the generic role dashboard so that they can own /dashboard/<role>/.
    *orders.urlpatterns,
    *approvals.urlpatterns,
    *payments.urlpatterns,
    *finance.urlpatterns,
    *terms.urlpatterns,
    *buyer_preferences.urlpatterns,
    *producer.urlpatterns,
    *buyer.urlpatterns,
    *placements.urlpatterns,
    *delivery.urlpatterns,
    *programme.urlpatterns,
    *officer.urlpatterns,
    *assist.urlpatterns,
    *catalog.urlpatterns,
    *search.urlpatterns,
    *account.urlpatterns,
    *members.urlpatterns,
    *showcases.urlpatterns,
    *investors.urlpatterns,
    path("dashboard/<slug:role>/", home.dashboard_role, name="dashboard-role"),
]
