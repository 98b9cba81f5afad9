"""API routes of the catalog app, mounted at /api/v1/."""
from django.urls import path

from catalog.api import assist, producers, products, reference, villages, wishlist

app_name = "catalog"

urlpatterns = [
    path("villages/", villages.VillageListView.as_view(), name="village-list"),
    path("villages/<str:code>/", villages.VillageDetailView.as_view(), name="village-detail"),
    path("villages/<str:code>/stage/", villages.VillageStageView.as_view(), name="village-stage"),
    path("villages/<str:code>/surveys/", villages.VillageSurveyListView.as_view(), name="village-surveys"),
    path("villages/<str:code>/coaching-sessions/", villages.VillageCoachingSessionListView.as_view(),
         name="village-coaching-sessions"),

    path("producers/", producers.ProducerListView.as_view(), name="producer-list"),
    path("producers/mine/", producers.ProducerMineView.as_view(), name="producer-mine"),
    path("producers/<int:pk>/", producers.ProducerDetailView.as_view(), name="producer-detail"),
    path("producers/<int:pk>/verify/", producers.ProducerVerifyView.as_view(), name="producer-verify"),
    path("producers/<int:pk>/unverify/", producers.ProducerUnverifyView.as_view(), name="producer-unverify"),
    path("producers/<int:pk>/permits/<str:kind>/", producers.ProducerPermitView.as_view(), name="producer-permit"),
    path("producers/<int:pk>/products/", products.ProducerProductListView.as_view(), name="producer-products"),

    path("wishlist/", wishlist.WishlistView.as_view(), name="wishlist"),
    path("wishlist/<int:product_id>/", wishlist.WishlistItemView.as_view(), name="wishlist-item"),

    path("products/", products.ProductListView.as_view(), name="product-list"),
    path("products/mine/", products.ProductMineView.as_view(), name="product-mine"),
    path("products/review-queue/", products.ProductReviewQueueView.as_view(), name="product-review-queue"),
    path("products/<int:pk>/", products.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/working-copy/", products.ProductWorkingCopyView.as_view(), name="product-working-copy"),
    path("products/<int:pk>/price-tiers/", products.ProductPriceTiersView.as_view(), name="product-price-tiers"),
    path("products/<int:pk>/photos/", products.ProductPhotoListView.as_view(), name="product-photos"),
    path("products/<int:pk>/photos/<int:photo_id>/", products.ProductPhotoDetailView.as_view(),
         name="product-photo"),
    path("products/<int:pk>/submit/", products.ProductSubmitView.as_view(), name="product-submit"),
    path("products/<int:pk>/approve/", products.ProductApproveView.as_view(), name="product-approve"),
    path("products/<int:pk>/reject/", products.ProductRejectView.as_view(), name="product-reject"),
    path("products/<int:pk>/delist/", products.ProductDelistView.as_view(), name="product-delist"),
    path("products/<int:pk>/stock/restock/", products.ProductRestockView.as_view(), name="product-restock"),
    path("products/<int:pk>/stock/correct/", products.ProductStockCorrectView.as_view(), name="product-stock-correct"),
    path("products/<int:pk>/stock/threshold/", products.ProductStockThresholdView.as_view(),
         name="product-stock-threshold"),

    path("assist-sessions/", assist.AssistSessionStartView.as_view(), name="assist-session-start"),
    path("assist-sessions/end/", assist.AssistSessionEndView.as_view(), name="assist-session-end"),
    path("assisted-actions/", assist.AssistActionListView.as_view(), name="assisted-action-list"),

    path("categories/", reference.CategoryTreeView.as_view(), name="category-tree"),
    path("commodities/", reference.CommodityListView.as_view(), name="commodity-list"),
]
