"""The PostgreSQL backend's SQL fragments: placeholders and parameters stay together however composed."""
from __future__ import annotations

import pytest

from search.backends.base import ProductSearchFilters
from search.backends.postgres.sql import AND, TRUE, Sql, param
from search.backends.postgres.statement import Search, SearchStatement, product_facet_filters, product_filters


def test_a_fragment_keeps_its_parameters():
    fragment = Sql("category_slug = ANY(%s)", [["kopi", "madu"]])

    assert fragment.as_statement() == ("category_slug = ANY(%s)", [["kopi", "madu"]])
    assert fragment.params == (["kopi", "madu"],)


@pytest.mark.parametrize(("text", "params"), [
    ("a = %s", []),
    ("a = %s AND b = %s", [1]),
    ("a = 1", [1]),
    ("word %% q.w", [1]),  # "%%" is a literal percent sign, not a placeholder
])
def test_placeholders_and_parameters_must_match_in_number(text, params):
    with pytest.raises(ValueError, match="placeholders but"):
        Sql(text, params)


def test_a_literal_percent_sign_is_no_placeholder():
    assert Sql("word %% q.w AND n > %s", [3]).as_statement() == ("word %% q.w AND n > %s", [3])


def test_adding_fragments_keeps_each_ones_parameters_after_its_text():
    a, b = Sql("a = %s", [1]), Sql(" AND b IN (%s, %s)", [2, 3])

    assert (a + b).as_statement() == ("a = %s AND b IN (%s, %s)", [1, 2, 3])
    assert (b + a).as_statement() == (" AND b IN (%s, %s)a = %s", [2, 3, 1])
    assert ("NOT " + a).as_statement() == ("NOT a = %s", [1])
    assert (a + " LIMIT 5").as_statement() == ("a = %s LIMIT 5", [1])


def test_plain_text_cannot_smuggle_a_placeholder():
    with pytest.raises(ValueError):
        Sql("a = %s", [1]) + " AND b = %s"


def test_join():
    parts = [Sql("a = %s", [1]), Sql("TRUE"), Sql("c @> %s", [["x"]])]

    assert AND.join(parts).as_statement() == ("a = %s AND TRUE AND c @> %s", [1, ["x"]])
    assert AND.join(reversed(parts)).as_statement() == ("c @> %s AND TRUE AND a = %s", [["x"], 1])
    assert Sql(", ").join([]).as_statement() == ("", [])
    assert not AND.join([])
    assert (AND.join([]) or TRUE).as_statement() == ("TRUE", [])


def test_format_orders_parameters_by_the_template_not_the_arguments():
    template = "SELECT {columns} FROM t WHERE {where} ORDER BY q LIMIT {limit}"
    where, limit = Sql("a = %s AND b = %s", ["x", "y"]), param(20)

    one = Sql.format(template, columns="id, q", where=where, limit=limit)
    other = Sql.format(template, limit=limit, where=where, columns="id, q")

    assert one == other
    assert one.as_statement() == ("SELECT id, q FROM t WHERE a = %s AND b = %s ORDER BY q LIMIT %s", ["x", "y", 20])
    assert Sql.format("LIMIT {limit} OFFSET {limit}", limit=param(5)).as_statement() == (
        "LIMIT %s OFFSET %s", [5, 5])


def test_format_takes_values_only_through_fragments():
    with pytest.raises(ValueError, match="through fragments"):
        Sql.format("a = %s AND {b}", b=Sql("b = %s", [1]))
    with pytest.raises(TypeError):
        Sql.format("LIMIT {n}", n=20)


def _placeholder_positions(text: str, condition: str) -> list[int]:
    """The indexes (among all placeholders of ``text``) of ``condition``'s placeholder, wherever it occurs."""
    positions, start = [], text.find(condition)
    while start != -1:
        positions.append(text[:start].count("%s") + condition[:condition.index("%s")].count("%s"))
        start = text.find(condition, start + 1)
    return positions


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "newest"])
@pytest.mark.parametrize("district", [None, "35.09.30"])  # without a district, the broad filters share one walk
def test_each_filter_s_value_follows_its_own_placeholder_in_the_search_statement(sort, district):
    # given every filter (set in no particular order)
    filters = ProductSearchFilters(in_stock=False, category="kopi", price_max=50_000, certifications=("pirt", "halal"),
                                   district=district, retail_ready=True, price_min=1_000, max_min_order_qty=10)
    facet_filters = product_facet_filters(filters)
    always = [Sql("e.document @@ %s::tsquery", ["'kopi'"]), *product_filters(filters, price="retail_price")]

    def statement(facet_filters: dict) -> tuple[str, list]:
        return SearchStatement(Search(
            table="search_productentry", key="product_id", text="'kopi'", facet_filters=facet_filters, always=always,
            facets=("category", "district", "certification", "retail_ready", "in_stock"), sort=sort,
            price="retail_price", offset=20, limit=10, chosen={"district": {"35.09.30"}}, walk_once=True,
        )).sql().as_statement()

    # when the statement is built with the facet filters in one order or the other
    text, params = statement(facet_filters)
    reversed_text, reversed_params = statement(dict(reversed(facet_filters.items())))

    # then it is the same statement, and every condition's placeholder holds that condition's value
    assert (reversed_text, reversed_params) == (text, params)
    assert text.count("%s") == len(params)
    expected = {"e.document @@ %s::tsquery": "'kopi'", "e.retail_price >= %s": 1_000,
                "e.retail_price <= %s": 50_000, "e.min_order_qty <= %s": 10,
                "e.category_path @> ARRAY[%s]::varchar[]": "kopi", "e.certifications @> %s::varchar[]": ["halal", "pirt"],
                "e.retail_ready = %s": True, "e.in_stock = %s": False, "e.district_code = %s": district,
                "OFFSET %s": 20, "ts_rank(x.document, %s::tsquery)": "'kopi'"}
    seen = 0
    for condition, value in expected.items():
        for position in _placeholder_positions(text, condition):
            assert params[position] == value, condition
            seen += 1
    assert seen >= 10
