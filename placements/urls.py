"""API routes of the placements app, mounted at /api/v1/."""
from django.urls import path

from placements import api

app_name = "placements"

urlpatterns = [
    path("placements/", api.PlacementListView.as_view(), name="placement-list"),
    path("placements/<int:pk>/", api.PlacementDetailView.as_view(), name="placement-detail"),
    path("placements/<int:pk>/transition/", api.PlacementTransitionView.as_view(), name="placement-transition"),
    path("consignment-deliveries/", api.DeliveryListView.as_view(), name="delivery-list"),
    path("consignment-deliveries/<int:pk>/", api.DeliveryDetailView.as_view(), name="delivery-detail"),
    path("sales-reports/", api.SalesReportListView.as_view(), name="sales-report-list"),
    path("sales-reports/import/", api.SalesReportImportView.as_view(), name="sales-report-import"),
    path("sales-reports/<int:pk>/", api.SalesReportDetailView.as_view(), name="sales-report-detail"),
    path("sales-reports/<int:pk>/settle/", api.SalesReportSettleView.as_view(), name="sales-report-settle"),
    path("consignment-settlements/", api.SettlementLineListView.as_view(), name="settlement-line-list"),
    path("consignment-settlements/<int:pk>/pay/", api.SettlementPayView.as_view(), name="settlement-pay"),
]
