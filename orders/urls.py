"""API routes of the orders app, mounted at /api/v1/: cart, checkout, purchase requests, orders and producers'
delivery options."""
from django.urls import path

from orders.api import cart, checkouts, delivery, orders, problems, purchase_requests

app_name = "orders"

urlpatterns = [
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLineListView.as_view(), name="cart-lines"),
    path("cart/lines/<int:product_id>/", cart.CartLineDetailView.as_view(), name="cart-line"),
    path("cart/accept-prices/", cart.CartAcceptPricesView.as_view(), name="cart-accept-prices"),

    path("checkout/", checkouts.CheckoutPlaceView.as_view(), name="checkout"),
    path("checkouts/<int:pk>/", checkouts.CheckoutDetailView.as_view(), name="checkout-detail"),
    path("checkouts/<int:pk>/cancel/", checkouts.CheckoutCancelView.as_view(), name="checkout-cancel"),

    path("purchase-requests/", purchase_requests.PurchaseRequestListView.as_view(), name="purchase-request-list"),
    path("purchase-requests/<int:pk>/", purchase_requests.PurchaseRequestDetailView.as_view(),
         name="purchase-request-detail"),
    path("purchase-requests/<int:pk>/approve/", purchase_requests.PurchaseRequestApproveView.as_view(),
         name="purchase-request-approve"),
    path("purchase-requests/<int:pk>/reject/", purchase_requests.PurchaseRequestRejectView.as_view(),
         name="purchase-request-reject"),
    path("purchase-requests/<int:pk>/withdraw/", purchase_requests.PurchaseRequestWithdrawView.as_view(),
         name="purchase-request-withdraw"),
    path("producers/<int:pk>/delivery-options/", delivery.DeliveryOptionsView.as_view(), name="delivery-options"),
    path("products/<int:pk>/delivery-quote/", delivery.DeliveryQuoteView.as_view(), name="delivery-quote"),

    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/accept/", orders.OrderAcceptView.as_view(), name="order-accept"),
    path("orders/<int:pk>/decline/", orders.OrderDeclineView.as_view(), name="order-decline"),
    path("orders/<int:pk>/pack/", orders.OrderPackView.as_view(), name="order-pack"),
    path("orders/<int:pk>/ship/", orders.OrderShipView.as_view(), name="order-ship"),
    path("orders/<int:pk>/deliver/", orders.OrderDeliverView.as_view(), name="order-deliver"),
    path("orders/<int:pk>/confirm/", orders.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/cancel/", orders.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/reorder/", orders.OrderReorderView.as_view(), name="order-reorder"),
    path("orders/<int:pk>/problems/", problems.OrderProblemListView.as_view(), name="order-problems"),
    path("orders/<int:pk>/problems/<int:problem_id>/answer/", problems.OrderProblemAnswerView.as_view(),
         name="order-problem-answer"),
    path("orders/<int:pk>/problems/<int:problem_id>/decide/", problems.OrderProblemDecideView.as_view(),
         name="order-problem-decide"),
]
