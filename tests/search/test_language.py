import pytest

from search import language


@pytest.mark.parametrize(("text", "expected"), [
    ("Suwar-Suwir", "suwar suwir"),
    ("  KOPI   Robusta!! ", "kopi robusta"),
    ("Kue2 lebaran", "kue kue lebaran"),
    ("oleh-oleh khas Jember", "oleh oleh khas jember"),
    ("Café crème brûlée", "cafe creme brulee"),
    ("250g, isi 10", "250g isi 10"),
    ("", ""),
    ("--", ""),
])
def test_normalise(text, expected):
    assert language.normalise(text) == expected


def test_stop_words_are_dropped_from_text():
    assert language.clean("Kopi yang dipetik dari kebun dan digiling di desa") == "kopi dipetik kebun digiling desa"


@pytest.mark.parametrize("word", ["tahu", "buah", "biji", "tanpa", "asli", "murni", "gula", "manis", "baru", "hp"])
def test_words_that_mean_something_in_a_catalogue_are_not_stop_words(word):
    assert word not in language.STOP_WORDS


@pytest.mark.parametrize(("word", "edits"), [("hp", 0), ("teh", 1), ("kopi", 1), ("madu", 1), ("bambu", 1),
                                             ("keripik", 2), ("sidomulyo", 2)])
def test_max_edits_grow_with_the_word(word, edits):
    assert language.max_edits(word) == edits


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("kopi", "kopi", 0), ("kopu", "kopi", 1), ("kpoi", "kopi", 1), ("kop", "kopi", 1), ("keripk", "keripik", 1),
    ("kripik", "keripik", 1), ("madu", "batik", 3), ("sidomulya", "sidomulyo", 1), ("ab", "ba", 1),
])
def test_edit_distance_counts_a_transposition_as_one(a, b, distance):
    assert language.edit_distance(a, b, limit=2) == min(distance, 3)


def test_edit_distance_stops_early_above_the_limit():
    assert language.edit_distance("kerajinan", "batik", limit=1) == 2
    assert language.edit_distance("a" * 30, "b" * 30, limit=2) == 3


def test_synonym_terms_are_cleaned_and_deduplicated():
    assert language.synonym_terms_clean([" Ketela-Pohon ", "ketela pohon", "dan", "", "TELO"]) == [
        "ketela pohon", "telo"]


def test_synonym_map_maps_each_term_to_its_group():
    mapping = language.synonym_map([["kopi", "coffee"], ["ubi kayu", "singkong"], ["kopi", "kofi"]])

    assert mapping[("kopi",)] == [("kopi",), ("coffee",), ("kofi",)]
    assert mapping[("coffee",)] == [("kopi",), ("coffee",)]
    assert mapping[("ubi", "kayu")] == [("ubi", "kayu"), ("singkong",)]
