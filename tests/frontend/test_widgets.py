"""LongSelect writes exactly the HTML Django's Select writes through its templates."""
import pytest
from django import forms

from frontend.forms.widgets import LongSelect

CHOICES = [("", "All <villages>"), ("Bangsal & sari", [("35.09.02.2001", 'Suko"rejo'), ("x", "y")]),
           ("Jombang", [("35.09.01.2001", "Padomasan")]), (1, "one")]


@pytest.mark.parametrize("value", [None, "", "35.09.01.2001", "x", 1, "unknown"])
def test_long_select_renders_what_select_renders(value):
    attrs = {"id": "id_village", "data-flag": True, "hidden": False, "class": 'a"b'}

    expected = forms.Select(choices=CHOICES, attrs=attrs).render("village", value)
    rendered = LongSelect(choices=CHOICES, attrs=attrs).render("village", value)

    assert rendered == expected
    assert ('<option value="x" selected>y</option>' in rendered) == (value == "x")
