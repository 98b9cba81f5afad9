"""``{{ data|json_ld }}``: schema.org data as a ``<script type="application/ld+json">`` (frontend/seo.py)."""
from django import template

from frontend.seo import json_ld_script

register = template.Library()


@register.filter
def json_ld(data):
    return json_ld_script(data)
