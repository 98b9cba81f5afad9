"""The catalog's REST API (mounted at /api/v1/, routes in ``catalog.urls``).

One module per resource: ``villages``, ``producers``, ``products`` and ``reference``
(categories, commodities). Serializers validate input at the edge, views call one
``catalog.services`` function or ``catalog.selectors`` read, services enforce the rules again.
Who may call an endpoint is in ``catalog.permissions``; whether a user may touch one producer
or product is decided by the ``access_*`` selectors (404 for anyone else).
"""
