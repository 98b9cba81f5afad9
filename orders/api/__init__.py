"""The orders app's REST API (mounted at /api/v1/, routes in ``orders.urls``).

One module per resource: ``cart``, ``checkouts``, ``orders`` (list, detail, transitions, reorder),
``problems`` and ``delivery`` (a producer's delivery options, a product's delivery quote). Views validate input with serializers, call one ``orders.services`` function
or ``orders.selectors`` read, and render the result; the services enforce every rule again
(who may move an order, quantities, stock, prices). Whether a user may see an order or a
checkout is decided by the ``access_*`` selectors: anyone else gets 404.

A member of a buyer organisation acts for it by naming it in the ``X-Buyer-Organisation``
header (or the ``organisation`` query parameter); without it a person shops for themself.
"""
