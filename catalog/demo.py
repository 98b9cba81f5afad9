"""A believable Kabupaten Jember for demonstrations: villages, producers and curated products.

``demo_data_load`` plays every part a real season would: the demo officer registers the
villages, surveys them and moves them through the programme, producers sign up, the officer
verifies them, producers list products (with photos drawn here with Pillow) and submit them,
and the officer approves or rejects. Everything goes through the catalog and accounts
services, so the demo data obeys the same rules (and writes the same event rows) as real
data. Only user accounts are created directly, because allauth creates them at sign-up.

The load is deterministic (one ``random.Random(seed)``) and runs once: the demo officer's
email is the marker, and the whole load is one transaction, so it is all there or not at all.
"""
from __future__ import annotations

import io
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

DEMO_DOMAIN = "demo.kampung-industri.id"
DEMO_PASSWORD = "Kampung-Jember-2026"
OFFICER_EMAIL = f"petugas@{DEMO_DOMAIN}"
PRODUCER_EMAIL = f"produsen@{DEMO_DOMAIN}"
BUYER_EMAIL = f"pembeli@{DEMO_DOMAIN}"
CONSUMER_EMAIL = f"konsumen@{DEMO_DOMAIN}"
INVESTOR_EMAIL = f"investor@{DEMO_DOMAIN}"
QUEUED_INVESTOR_EMAIL = f"investor.csr@{DEMO_DOMAIN}"  # an investor whose profile waits for an officer
CHAIN_MANAGER_EMAIL = f"pembeli.manajer@{DEMO_DOMAIN}"  # the demo buyer's colleagues (catalog.demo_commerce)
CHAIN_MEMBER_EMAIL = f"pembeli.staf@{DEMO_DOMAIN}"
QUEUED_BUYER_EMAIL = f"hotel@{DEMO_DOMAIN}"  # a buyer whose registration waits for an officer
DEFAULT_SEED = 3509  # Kemendagri code of Kabupaten Jember
BARCODE_PREFIX = "899"  # GS1 Indonesia

# --- reference data -------------------------------------------------------------------------

# slug, name (id), name (en)
COMMODITIES = [
    ("kopi-robusta", "Kopi robusta", "Robusta coffee"),
    ("kopi-arabika", "Kopi arabika", "Arabica coffee"),
    ("tembakau", "Tembakau", "Tobacco"),
    ("kakao", "Kakao", "Cocoa"),
    ("edamame", "Edamame", "Edamame"),
    ("buah-naga", "Buah naga", "Dragon fruit"),
    ("jeruk", "Jeruk siam", "Tangerine"),
    ("singkong-tape", "Singkong dan tape", "Cassava and tape"),
    ("batik", "Batik", "Batik"),
    ("bambu", "Bambu", "Bamboo"),
    ("pandan", "Pandan", "Pandanus"),
    ("kelapa", "Kelapa", "Coconut"),
    ("madu", "Madu", "Honey"),
    ("pisang", "Pisang", "Banana"),
    ("hasil-laut", "Hasil laut", "Seafood"),
    ("padi", "Padi dan beras", "Rice"),
    ("rempah", "Rempah dan empon-empon", "Spices and herbal roots"),
    ("kedelai", "Kedelai", "Soybean"),
]

# slug, parent slug, name (id), name (en), requires food permits (roots only)
CATEGORIES = [
    ("makanan-minuman", None, "Makanan & Minuman", "Food & Drink", True),
    ("kopi", "makanan-minuman", "Kopi", "Coffee", False),
    ("kopi-bubuk", "kopi", "Kopi bubuk", "Ground coffee", False),
    ("kopi-biji-sangrai", "kopi", "Kopi biji sangrai", "Roasted coffee beans", False),
    ("kopi-biji-mentah", "kopi", "Biji kopi mentah (green bean)", "Green coffee beans", False),
    ("cokelat-kakao", "makanan-minuman", "Cokelat & kakao", "Chocolate & cocoa", False),
    ("olahan-tape", "makanan-minuman", "Olahan tape", "Tape delicacies", False),
    ("camilan-keripik", "makanan-minuman", "Camilan & keripik", "Snacks & crisps", False),
    ("hasil-laut-olahan", "makanan-minuman", "Hasil laut olahan", "Processed seafood", False),
    ("gula-madu", "makanan-minuman", "Gula & madu", "Sugar & honey", False),
    ("minuman-herbal", "makanan-minuman", "Minuman herbal & rempah", "Herbal drinks & spices", False),
    ("olahan-buah", "makanan-minuman", "Olahan buah", "Fruit preserves & drinks", False),
    ("beras-biji", "makanan-minuman", "Beras & biji-bijian", "Rice & grains", False),
    ("makanan-beku", "makanan-minuman", "Makanan beku", "Frozen food", False),
    ("hasil-tani-segar", None, "Hasil tani segar", "Fresh produce", False),
    ("buah-segar", "hasil-tani-segar", "Buah segar", "Fresh fruit", False),
    ("sayur-segar", "hasil-tani-segar", "Sayur segar", "Fresh vegetables", False),
    ("tembakau-cerutu", None, "Tembakau & cerutu", "Tobacco & cigars", False),
    ("cerutu", "tembakau-cerutu", "Cerutu", "Cigars", False),
    ("tembakau-daun", "tembakau-cerutu", "Tembakau daun & rajangan", "Leaf & cut tobacco", False),
    ("kerajinan", None, "Kerajinan & kain", "Crafts & textiles", False),
    ("batik", "kerajinan", "Batik", "Batik", False),
    ("batik-tulis", "batik", "Batik tulis", "Hand-drawn batik", False),
    ("batik-cap", "batik", "Batik cap", "Stamped batik", False),
    ("anyaman-bambu", "kerajinan", "Anyaman bambu", "Bamboo crafts", False),
    ("anyaman-pandan", "kerajinan", "Anyaman pandan", "Pandan weaving", False),
    ("aksesori", "kerajinan", "Aksesori", "Accessories", False),
]

# Background colour (RGB) of the illustrative photos, by root category.
ROOT_COLOURS = {
    "makanan-minuman": [(236, 200, 150), (214, 170, 120), (245, 222, 179), (230, 190, 160)],
    "hasil-tani-segar": [(180, 220, 160), (200, 230, 170), (160, 205, 150)],
    "tembakau-cerutu": [(190, 150, 110), (170, 130, 95), (205, 170, 125)],
    "kerajinan": [(170, 190, 225), (200, 180, 220), (215, 200, 170)],
}


@dataclass(frozen=True)
class ProductTemplate:
    """One kind of product a producer of a commodity typically makes."""

    key: str
    category: str
    name: str
    name_en: str
    description: str
    description_en: str
    unit: str  # catalog.models.Unit value
    pack_size: str
    weight_grams: int | None
    shelf_life_days: int | None
    price_low: int  # retail, rupiah
    price_high: int
    case_pack: int  # the order multiple for wholesale buyers
    shape: str = "pack"  # what the illustration draws


def _t(key, category, name, name_en, description, description_en, *, unit="pcs", pack="1", grams=None, shelf=None,
       price=(10_000, 20_000), case=12, shape="pack") -> ProductTemplate:
    return ProductTemplate(key, category, name, name_en, description, description_en, unit, pack, grams, shelf,
                           price[0], price[1], case, shape)


# ``{village}`` is replaced by the producer's village name.
TEMPLATES: dict[str, list[ProductTemplate]] = {
    "kopi-robusta": [
        _t("robusta-bubuk-250", "kopi-bubuk", "Kopi Robusta {village} Bubuk 250 g", "{village} Robusta Ground Coffee 250 g",
           "Kopi robusta petik merah dari lereng Argopuro-Raung, disangrai medium dan digiling halus. Cocok untuk kopi tubruk.",
           "Red-cherry robusta from the Argopuro-Raung slopes, medium roast, finely ground for Indonesian 'tubruk' coffee.",
           grams=250, shelf=365, price=(35_000, 60_000), case=12, shape="bean"),
        _t("robusta-bubuk-100", "kopi-bubuk", "Kopi Robusta {village} Bubuk 100 g", "{village} Robusta Ground Coffee 100 g",
           "Kemasan kecil untuk oleh-oleh: robusta {village} sangrai medium, kemasan zip dengan katup.",
           "A small gift pack of medium-roast {village} robusta in a zip pouch with a valve.",
           grams=100, shelf=365, price=(15_000, 25_000), case=24, shape="bean"),
        _t("robusta-biji-500", "kopi-biji-sangrai", "Kopi Robusta {village} Biji Sangrai 500 g", "{village} Robusta Roasted Beans 500 g",
           "Biji kopi robusta sangrai utuh untuk kafe dan penggemar kopi seduh manual. Proses natural, sangrai medium-dark.",
           "Whole roasted robusta beans for cafés and home brewers. Natural process, medium-dark roast.",
           grams=500, shelf=270, price=(65_000, 110_000), case=10, shape="bean"),
        _t("robusta-green-1kg", "kopi-biji-mentah", "Green Bean Robusta {village} Petik Merah 1 kg", "{village} Red-Cherry Robusta Green Beans 1 kg",
           "Biji kopi mentah grade 1, petik merah, kadar air di bawah 12%. Untuk roastery.",
           "Grade 1 green beans from red cherries only, moisture below 12%. For roasteries.",
           unit="kg", grams=1000, shelf=365, price=(55_000, 85_000), case=10, shape="bean"),
        _t("robusta-lanang-200", "kopi-bubuk", "Kopi Lanang Robusta {village} 200 g", "{village} Robusta Peaberry 200 g",
           "Kopi lanang (peaberry) pilihan: satu biji bulat per buah, rasa lebih tebal dan manis.",
           "Hand-sorted peaberry robusta: one round bean per cherry, for a fuller and sweeter cup.",
           grams=200, shelf=365, price=(45_000, 75_000), case=12, shape="bean"),
        _t("robusta-drip-10", "kopi-bubuk", "Kopi Robusta {village} Drip Bag isi 10", "{village} Robusta Drip Bags (10)",
           "Sepuluh kantong seduh praktis, tinggal gantung di cangkir dan tuang air panas.",
           "Ten single-cup drip bags: hang on a cup and pour hot water.",
           unit="pack", grams=100, shelf=365, price=(30_000, 45_000), case=20, shape="bean"),
    ],
    "kopi-arabika": [
        _t("arabika-bubuk-200", "kopi-bubuk", "Kopi Arabika {village} Bubuk 200 g", "{village} Arabica Ground Coffee 200 g",
           "Arabika dataran tinggi Ijen-Raung, sangrai light-medium, aroma jeruk dan gula aren.",
           "Highland arabica from the Ijen-Raung range, light-medium roast, notes of citrus and palm sugar.",
           grams=200, shelf=365, price=(55_000, 90_000), case=12, shape="bean"),
        _t("arabika-biji-250", "kopi-biji-sangrai", "Kopi Arabika {village} Natural 250 g", "{village} Natural Arabica Beans 250 g",
           "Biji sangrai proses natural, dijemur di para-para bambu selama tiga minggu.",
           "Natural-process roasted beans, dried on raised bamboo beds for three weeks.",
           grams=250, shelf=270, price=(70_000, 120_000), case=12, shape="bean"),
        _t("arabika-honey-250", "kopi-biji-sangrai", "Kopi Arabika {village} Honey Process 250 g", "{village} Honey-Process Arabica 250 g",
           "Proses honey: lendir buah dibiarkan menempel saat penjemuran, rasa manis dan bersih.",
           "Honey process: the mucilage stays on while drying, for a sweet and clean cup.",
           grams=250, shelf=270, price=(80_000, 130_000), case=12, shape="bean"),
        _t("arabika-green-1kg", "kopi-biji-mentah", "Green Bean Arabika {village} 1 kg", "{village} Arabica Green Beans 1 kg",
           "Biji mentah arabika full wash, grade 1, siap sangrai.",
           "Fully washed grade 1 arabica green beans, ready to roast.",
           unit="kg", grams=1000, shelf=365, price=(110_000, 160_000), case=10, shape="bean"),
    ],
    "tembakau": [
        _t("cerutu-corona-5", "cerutu", "Cerutu Corona Na-Oogst {village} isi 5", "{village} Na-Oogst Corona Cigars (5)",
           "Cerutu linting tangan dari daun tembakau Na-Oogst Jember, pembungkus daun besuki.",
           "Hand-rolled cigars of Jember Na-Oogst tobacco with a Besuki wrapper leaf.",
           unit="pack", grams=60, shelf=730, price=(75_000, 150_000), case=10, shape="cigar"),
        _t("cerutu-robusto-10", "cerutu", "Cerutu Robusto {village} Kotak Kayu isi 10", "{village} Robusto Cigars, Wooden Box (10)",
           "Sepuluh cerutu robusto dalam kotak kayu mahoni, diperam enam bulan.",
           "Ten robusto cigars in a mahogany box, aged for six months.",
           unit="box", grams=180, shelf=1095, price=(250_000, 450_000), case=6, shape="cigar"),
        _t("cigarillo-10", "cerutu", "Cigarillo {village} isi 10", "{village} Cigarillos (10)",
           "Cerutu kecil untuk dinikmati sebentar, rasa ringan.",
           "Small, mild cigars for a short smoke.",
           unit="pack", grams=50, shelf=730, price=(45_000, 80_000), case=20, shape="cigar"),
        _t("tembakau-rajang-100", "tembakau-daun", "Tembakau Rajangan {village} 100 g", "{village} Cut Tobacco 100 g",
           "Tembakau rajangan halus dari petani {village}, dijemur matahari.",
           "Fine-cut sun-cured tobacco from the growers of {village}.",
           grams=100, shelf=365, price=(25_000, 45_000), case=20, shape="leaf"),
        _t("daun-na-oogst-1kg", "tembakau-daun", "Daun Tembakau Na-Oogst Kering 1 kg", "Dried Na-Oogst Tobacco Leaf 1 kg",
           "Daun utuh kualitas pembungkus (dekblad) untuk industri cerutu.",
           "Whole wrapper-grade leaves (dekblad) for cigar makers.",
           unit="kg", grams=1000, shelf=730, price=(150_000, 300_000), case=5, shape="leaf"),
    ],
    "kakao": [
        _t("kakao-bubuk-200", "cokelat-kakao", "Bubuk Kakao Murni {village} 200 g", "{village} Pure Cocoa Powder 200 g",
           "Bubuk kakao tanpa gula dari biji fermentasi petani {village}.",
           "Unsweetened cocoa powder from fermented beans grown in {village}.",
           grams=200, shelf=540, price=(35_000, 55_000), case=12, shape="bar"),
        _t("cokelat-dark-80", "cokelat-kakao", "Cokelat Batang Dark 70% {village} 80 g", "{village} 70% Dark Chocolate Bar 80 g",
           "Cokelat hitam bean-to-bar dengan 70% kakao Jember.",
           "Bean-to-bar dark chocolate with 70% Jember cocoa.",
           grams=80, shelf=365, price=(25_000, 40_000), case=24, shape="bar"),
        _t("cokelat-susu-100", "cokelat-kakao", "Cokelat Susu {village} 100 g", "{village} Milk Chocolate 100 g",
           "Cokelat susu lembut, manisnya pas untuk anak-anak.",
           "Smooth milk chocolate, not too sweet.",
           grams=100, shelf=365, price=(20_000, 35_000), case=24, shape="bar"),
        _t("kakao-fermentasi-1kg", "cokelat-kakao", "Biji Kakao Fermentasi Kering 1 kg", "Fermented Dried Cocoa Beans 1 kg",
           "Biji kakao fermentasi lima hari, dijemur hingga kadar air 7%.",
           "Cocoa beans fermented for five days and sun-dried to 7% moisture.",
           unit="kg", grams=1000, shelf=365, price=(70_000, 110_000), case=10, shape="bean"),
        _t("nibs-kakao-150", "cokelat-kakao", "Cocoa Nibs Sangrai {village} 150 g", "{village} Roasted Cocoa Nibs 150 g",
           "Pecahan biji kakao sangrai untuk taburan granola, yoghurt dan kue.",
           "Roasted cocoa nibs for granola, yoghurt and baking.",
           grams=150, shelf=365, price=(35_000, 50_000), case=12, shape="bean"),
    ],
    "edamame": [
        _t("edamame-beku-500", "makanan-beku", "Edamame Beku {village} 500 g", "{village} Frozen Edamame 500 g",
           "Edamame kualitas ekspor, direbus sebentar lalu dibekukan cepat. Simpan di freezer.",
           "Export-grade edamame, blanched and quick-frozen. Keep frozen.",
           grams=500, shelf=365, price=(18_000, 28_000), case=20, shape="pod"),
        _t("edamame-segar-1kg", "sayur-segar", "Edamame Segar {village} 1 kg", "{village} Fresh Edamame 1 kg",
           "Polong edamame segar dipanen pagi hari, dikirim dingin.",
           "Fresh edamame pods picked in the morning and shipped chilled.",
           unit="kg", grams=1000, shelf=5, price=(20_000, 30_000), case=10, shape="pod"),
        _t("mukimame-250", "makanan-beku", "Mukimame (Edamame Kupas) Beku 250 g", "Frozen Shelled Edamame (Mukimame) 250 g",
           "Biji edamame kupas siap masak untuk nasi goreng, salad dan sup.",
           "Shelled edamame ready for fried rice, salads and soups.",
           grams=250, shelf=365, price=(15_000, 25_000), case=24, shape="pod"),
        _t("keripik-edamame-100", "camilan-keripik", "Keripik Edamame Pedas {village} 100 g", "{village} Spicy Edamame Crisps 100 g",
           "Edamame goreng renyah dengan bumbu pedas manis.",
           "Crunchy fried edamame with a sweet-spicy seasoning.",
           grams=100, shelf=180, price=(15_000, 22_000), case=24, shape="pod"),
    ],
    "buah-naga": [
        _t("naga-merah-1kg", "buah-segar", "Buah Naga Merah {village} 1 kg", "{village} Red Dragon Fruit 1 kg",
           "Buah naga daging merah, manis dan segar, dipetik matang pohon.",
           "Red-fleshed dragon fruit, sweet and tree-ripened.",
           unit="kg", grams=1000, shelf=10, price=(20_000, 35_000), case=10, shape="fruit"),
        _t("naga-putih-1kg", "buah-segar", "Buah Naga Putih {village} 1 kg", "{village} White Dragon Fruit 1 kg",
           "Buah naga daging putih, rasa segar sedikit asam.",
           "White-fleshed dragon fruit, fresh and slightly tart.",
           unit="kg", grams=1000, shelf=10, price=(15_000, 25_000), case=10, shape="fruit"),
        _t("selai-naga-200", "olahan-buah", "Selai Buah Naga {village} 200 g", "{village} Dragon Fruit Jam 200 g",
           "Selai dari buah naga merah tanpa pewarna tambahan.",
           "Red dragon fruit jam with no added colouring.",
           grams=200, shelf=180, price=(22_000, 35_000), case=24, shape="jar"),
        _t("sirup-naga-500", "olahan-buah", "Sirup Buah Naga {village} 500 ml", "{village} Dragon Fruit Syrup 500 ml",
           "Sirup kental buah naga, cukup satu sendok untuk segelas es.",
           "Thick dragon fruit syrup: one spoon makes a glass.",
           grams=600, shelf=365, price=(25_000, 40_000), case=12, shape="bottle"),
    ],
    "jeruk": [
        _t("jeruk-siam-1kg", "buah-segar", "Jeruk Siam {village} 1 kg", "{village} Tangerines 1 kg",
           "Jeruk siam Semboro yang terkenal manis dan banyak airnya.",
           "The famous sweet and juicy Semboro tangerines.",
           unit="kg", grams=1000, shelf=14, price=(12_000, 20_000), case=10, shape="fruit"),
        _t("jeruk-peti-10kg", "buah-segar", "Jeruk Siam {village} Peti 10 kg", "{village} Tangerines, 10 kg Crate",
           "Satu peti kayu berisi 10 kg jeruk siam sortir ukuran sedang.",
           "A wooden crate of 10 kg of medium-size graded tangerines.",
           unit="box", grams=10_000, shelf=14, price=(110_000, 180_000), case=1, shape="fruit"),
        _t("sari-jeruk-250", "olahan-buah", "Sari Jeruk {village} 250 ml", "{village} Tangerine Juice 250 ml",
           "Sari jeruk peras tanpa pengawet, simpan dingin.",
           "Pressed tangerine juice without preservatives. Keep chilled.",
           grams=270, shelf=14, price=(8_000, 12_000), case=24, shape="bottle"),
        _t("sirup-jeruk-500", "olahan-buah", "Sirup Jeruk {village} 500 ml", "{village} Tangerine Syrup 500 ml",
           "Sirup jeruk siam dengan kulit jeruk untuk aroma segar.",
           "Tangerine syrup made with zest for a fresh aroma.",
           grams=600, shelf=365, price=(25_000, 35_000), case=12, shape="bottle"),
    ],
    "singkong-tape": [
        _t("tape-1kg", "olahan-tape", "Tape Singkong Manis {village} 1 kg", "{village} Sweet Fermented Cassava (Tape) 1 kg",
           "Tape singkong khas Jember, legit dan manis, dibungkus daun pisang.",
           "Jember's sweet fermented cassava, wrapped in banana leaf.",
           unit="kg", grams=1000, shelf=4, price=(15_000, 25_000), case=10, shape="pack"),
        _t("tape-besek-2kg", "olahan-tape", "Tape Singkong Besek {village} 2 kg", "{village} Tape in a Bamboo Basket 2 kg",
           "Tape dalam besek bambu, oleh-oleh klasik dari Jember.",
           "Tape in a woven bamboo basket, the classic souvenir of Jember.",
           unit="pack", grams=2000, shelf=4, price=(30_000, 45_000), case=6, shape="basket"),
        _t("suwar-suwir-250", "olahan-tape", "Suwar-Suwir Aneka Rasa {village} 250 g", "{village} Suwar-Suwir Assorted 250 g",
           "Dodol tape iris khas Jember: rasa nangka, stroberi, cokelat, melon dan pandan.",
           "Jember's sliced tape fudge in jackfruit, strawberry, chocolate, melon and pandan flavours.",
           grams=250, shelf=90, price=(20_000, 35_000), case=24, shape="pack"),
        _t("suwar-suwir-500", "olahan-tape", "Suwar-Suwir Kotak {village} 500 g", "{village} Suwar-Suwir Gift Box 500 g",
           "Kotak oleh-oleh berisi suwar-suwir lima rasa.",
           "A gift box of suwar-suwir in five flavours.",
           unit="box", grams=500, shelf=90, price=(35_000, 55_000), case=12, shape="pack"),
        _t("prol-tape-original", "olahan-tape", "Prol Tape Original {village}", "{village} Prol Tape Cake, Original",
           "Kue prol tape panggang, lembut dan harum, loyang 20 x 10 cm.",
           "Baked tape cake, soft and fragrant, 20 x 10 cm tin.",
           grams=500, shelf=5, price=(35_000, 55_000), case=8, shape="cake"),
        _t("prol-tape-keju", "olahan-tape", "Prol Tape Keju {village}", "{village} Prol Tape Cake with Cheese",
           "Prol tape dengan taburan keju cheddar melimpah.",
           "Prol tape cake topped with plenty of cheddar.",
           grams=500, shelf=5, price=(45_000, 65_000), case=8, shape="cake"),
        _t("brownies-tape", "olahan-tape", "Brownies Tape {village}", "{village} Tape Brownies",
           "Brownies kukus dengan campuran tape singkong, lembap dan legit.",
           "Steamed brownies made with tape, moist and rich.",
           grams=500, shelf=5, price=(40_000, 60_000), case=8, shape="cake"),
        _t("pia-tape-10", "olahan-tape", "Pia Tape {village} isi 10", "{village} Tape Pia Pastries (10)",
           "Pia kulit renyah berisi selai tape.",
           "Flaky pastries filled with tape jam.",
           unit="pack", grams=400, shelf=14, price=(25_000, 35_000), case=12, shape="cake"),
        _t("dodol-tape-250", "olahan-tape", "Dodol Tape {village} 250 g", "{village} Tape Dodol 250 g",
           "Dodol legit dari tape singkong dan gula kelapa.",
           "Chewy dodol made from tape and coconut sugar.",
           grams=250, shelf=90, price=(18_000, 28_000), case=24, shape="pack"),
        _t("keripik-singkong-200", "camilan-keripik", "Keripik Singkong Balado {village} 200 g", "{village} Balado Cassava Crisps 200 g",
           "Keripik singkong tipis dengan bumbu balado pedas.",
           "Thin cassava crisps with spicy balado seasoning.",
           grams=200, shelf=120, price=(12_000, 18_000), case=24, shape="pack"),
    ],
    "batik": [
        _t("batik-tulis-tembakau", "batik-tulis", "Batik Tulis Motif Daun Tembakau {village} 2 m", "{village} Hand-Drawn Batik, Tobacco Leaf Motif, 2 m",
           "Kain katun primissima 2 x 1,15 m, dibatik tulis dengan motif daun tembakau khas Jember. Pewarna alam.",
           "Primissima cotton, 2 x 1.15 m, hand-drawn with Jember's tobacco-leaf motif. Natural dyes.",
           grams=400, price=(250_000, 1_500_000), case=1, shape="cloth"),
        _t("batik-tulis-kopi", "batik-tulis", "Batik Tulis Motif Biji Kopi {village} 2 m", "{village} Hand-Drawn Batik, Coffee Bean Motif, 2 m",
           "Batik tulis motif biji dan bunga kopi, dikerjakan sekitar tiga minggu per lembar.",
           "Hand-drawn batik with coffee beans and blossoms; about three weeks of work per piece.",
           grams=400, price=(350_000, 1_200_000), case=1, shape="cloth"),
        _t("batik-cap-tembakau", "batik-cap", "Batik Cap Motif Tembakau {village} 2 m", "{village} Stamped Batik, Tobacco Motif, 2 m",
           "Batik cap di atas katun prima, motif daun tembakau dan kereta tembakau.",
           "Stamped batik on prima cotton with tobacco leaves and tobacco carts.",
           grams=350, price=(120_000, 250_000), case=5, shape="cloth"),
        _t("kemeja-batik", "batik-cap", "Kemeja Batik Daun Tembakau {village}", "{village} Batik Shirt, Tobacco Leaf Motif",
           "Kemeja lengan pendek batik cap, ukuran M, L dan XL.",
           "Short-sleeved stamped batik shirt, sizes M, L and XL.",
           grams=300, price=(150_000, 275_000), case=3, shape="cloth"),
        _t("selendang-batik", "batik-tulis", "Selendang Batik Tulis {village}", "{village} Hand-Drawn Batik Shawl",
           "Selendang sutra dengan batik tulis pewarna alam (indigo, tingi, jolawe).",
           "Silk shawl with hand-drawn, naturally dyed batik (indigo, tingi, jolawe).",
           grams=150, price=(200_000, 450_000), case=1, shape="cloth"),
        _t("tas-batik", "aksesori", "Tas Jinjing Batik {village}", "{village} Batik Tote Bag",
           "Tas jinjing dari sisa kain batik, dilapisi kain blacu.",
           "A tote bag made from batik offcuts, lined with calico.",
           grams=250, price=(85_000, 150_000), case=6, shape="bag"),
    ],
    "bambu": [
        _t("besek-10", "anyaman-bambu", "Besek Bambu {village} isi 10", "{village} Bamboo Boxes (10)",
           "Besek anyaman bambu ukuran 20 x 20 cm, pengganti kemasan plastik untuk hantaran.",
           "Woven bamboo boxes, 20 x 20 cm, a plastic-free packaging for gifts.",
           unit="pack", grams=800, price=(15_000, 25_000), case=20, shape="basket"),
        _t("keranjang-parcel", "anyaman-bambu", "Keranjang Parcel Bambu {village}", "{village} Bamboo Hamper Basket",
           "Keranjang parcel dengan pegangan, anyaman rapat dan dipernis.",
           "A varnished, tightly woven hamper basket with a handle.",
           grams=600, price=(25_000, 45_000), case=10, shape="basket"),
        _t("tudung-saji", "anyaman-bambu", "Tudung Saji Anyaman Bambu {village}", "{village} Woven Bamboo Food Cover",
           "Tudung saji diameter 50 cm dengan motif anyaman kepang.",
           "A 50 cm food cover in a braided weave.",
           grams=500, price=(35_000, 60_000), case=6, shape="basket"),
        _t("lampu-bambu", "anyaman-bambu", "Lampu Hias Bambu {village}", "{village} Bamboo Lamp",
           "Kap lampu gantung dari bilah bambu, fitting E27 sudah terpasang.",
           "A hanging lamp shade of bamboo strips with an E27 fitting.",
           grams=700, price=(75_000, 150_000), case=4, shape="basket"),
        _t("sedotan-bambu-10", "anyaman-bambu", "Sedotan Bambu {village} isi 10", "{village} Bamboo Straws (10)",
           "Sepuluh sedotan bambu apus dengan sikat pembersih dan kantong kain.",
           "Ten bamboo straws with a cleaning brush and a cloth pouch.",
           unit="pack", grams=120, price=(20_000, 30_000), case=20, shape="straw"),
    ],
    "pandan": [
        _t("tikar-pandan", "anyaman-pandan", "Tikar Pandan {village} 150 x 200 cm", "{village} Pandan Mat 150 x 200 cm",
           "Tikar anyaman daun pandan duri, dijemur dan diwarnai alami.",
           "A mat woven from thorny pandan leaves, sun-dried and naturally dyed.",
           grams=1500, price=(60_000, 120_000), case=5, shape="mat"),
        _t("tas-pandan", "anyaman-pandan", "Tas Anyaman Pandan {village}", "{village} Woven Pandan Bag",
           "Tas bahu anyaman pandan dengan tali kulit sintetis.",
           "A woven pandan shoulder bag with a faux-leather strap.",
           grams=400, price=(50_000, 95_000), case=6, shape="bag"),
        _t("topi-pandan", "anyaman-pandan", "Topi Pandan {village}", "{village} Pandan Hat",
           "Topi pantai anyaman pandan, ringan dan sejuk.",
           "A light, airy woven pandan beach hat.",
           grams=150, price=(30_000, 50_000), case=12, shape="mat"),
        _t("dompet-pandan", "anyaman-pandan", "Dompet Anyaman Pandan {village}", "{village} Woven Pandan Purse",
           "Dompet kecil beresleting, anyaman pandan warna-warni.",
           "A small zipped purse of colourful woven pandan.",
           grams=80, price=(25_000, 40_000), case=12, shape="bag"),
    ],
    "kelapa": [
        _t("gula-kelapa-1kg", "gula-madu", "Gula Kelapa Cetak {village} 1 kg", "{village} Coconut Sugar Blocks 1 kg",
           "Gula merah dari nira kelapa, dimasak di tungku kayu, tanpa campuran gula pasir.",
           "Coconut-sap sugar cooked over a wood fire, with no white sugar added.",
           unit="kg", grams=1000, shelf=180, price=(18_000, 28_000), case=20, shape="pack"),
        _t("gula-semut-250", "gula-madu", "Gula Semut Kelapa {village} 250 g", "{village} Granulated Coconut Sugar 250 g",
           "Gula kelapa kristal, mudah larut untuk kopi dan kue.",
           "Granulated coconut sugar that dissolves easily in coffee and cakes.",
           grams=250, shelf=365, price=(15_000, 25_000), case=24, shape="jar"),
        _t("vco-250", "minuman-herbal", "Minyak Kelapa Murni (VCO) {village} 250 ml", "{village} Virgin Coconut Oil 250 ml",
           "VCO proses dingin dari kelapa segar, tanpa pemanasan.",
           "Cold-processed virgin coconut oil from fresh coconuts.",
           grams=260, shelf=730, price=(35_000, 55_000), case=12, shape="bottle"),
    ],
    "madu": [
        _t("madu-hutan-500", "gula-madu", "Madu Hutan Argopuro {village} 500 g", "{village} Argopuro Wild Honey 500 g",
           "Madu hutan dari lebah Apis dorsata di lereng Argopuro, dipanen lestari.",
           "Wild Apis dorsata honey from the Argopuro slopes, sustainably harvested.",
           grams=500, shelf=730, price=(85_000, 140_000), case=12, shape="jar"),
        _t("madu-klanceng-250", "gula-madu", "Madu Klanceng {village} 250 ml", "{village} Stingless Bee Honey 250 ml",
           "Madu lebah tanpa sengat (Trigona), rasa asam segar.",
           "Honey of stingless Trigona bees, with a fresh tart taste.",
           grams=300, shelf=730, price=(90_000, 150_000), case=12, shape="jar"),
        _t("madu-randu-250", "gula-madu", "Madu Randu {village} 250 g", "{village} Kapok Blossom Honey 250 g",
           "Madu bunga randu (kapuk), manis lembut.",
           "Kapok blossom honey, mild and sweet.",
           grams=250, shelf=730, price=(40_000, 65_000), case=24, shape="jar"),
    ],
    "pisang": [
        _t("keripik-pisang-200", "camilan-keripik", "Keripik Pisang Manis {village} 200 g", "{village} Sweet Banana Chips 200 g",
           "Keripik pisang kepok tipis dengan lapisan gula.",
           "Thin kepok banana chips with a sugar glaze.",
           grams=200, shelf=120, price=(12_000, 20_000), case=24, shape="pack"),
        _t("sale-pisang-250", "camilan-keripik", "Sale Pisang Goreng {village} 250 g", "{village} Fried Banana Sale 250 g",
           "Pisang ambon diasap dan dijemur, lalu digoreng tepung.",
           "Smoked, sun-dried ambon bananas fried in batter.",
           grams=250, shelf=90, price=(15_000, 25_000), case=24, shape="pack"),
        _t("keripik-pisang-cokelat", "camilan-keripik", "Keripik Pisang Cokelat {village} 150 g", "{village} Chocolate Banana Chips 150 g",
           "Keripik pisang dengan balutan cokelat Jember.",
           "Banana chips coated in Jember chocolate.",
           grams=150, shelf=120, price=(15_000, 22_000), case=24, shape="pack"),
        _t("tepung-pisang-500", "beras-biji", "Tepung Pisang {village} 500 g", "{village} Banana Flour 500 g",
           "Tepung pisang bebas gluten untuk kue dan bubur bayi.",
           "Gluten-free banana flour for cakes and baby porridge.",
           grams=500, shelf=365, price=(25_000, 35_000), case=20, shape="pack"),
    ],
    "hasil-laut": [
        _t("terasi-250", "hasil-laut-olahan", "Terasi Udang {village} 250 g", "{village} Shrimp Paste 250 g",
           "Terasi dari udang rebon segar tangkapan nelayan Puger.",
           "Shrimp paste from fresh rebon shrimp landed at Puger.",
           grams=250, shelf=365, price=(15_000, 30_000), case=24, shape="pack"),
        _t("teri-asin-250", "hasil-laut-olahan", "Ikan Teri Asin {village} 250 g", "{village} Salted Anchovies 250 g",
           "Teri nasi asin kering, dijemur di pinggir pantai.",
           "Dried salted anchovies, sun-dried by the beach.",
           grams=250, shelf=180, price=(25_000, 45_000), case=20, shape="fish"),
        _t("petis-200", "hasil-laut-olahan", "Petis Ikan {village} 200 g", "{village} Fish Petis Paste 200 g",
           "Petis hitam kental untuk rujak cingur dan tahu petis.",
           "Thick black fish paste for rujak cingur and tofu.",
           grams=200, shelf=90, price=(15_000, 25_000), case=24, shape="jar"),
        _t("kerupuk-tengiri-250", "camilan-keripik", "Kerupuk Ikan Tengiri {village} 250 g", "{village} Mackerel Crackers 250 g",
           "Kerupuk mentah dari ikan tengiri asli, tinggal digoreng.",
           "Uncooked crackers of real Spanish mackerel, ready to fry.",
           grams=250, shelf=180, price=(18_000, 30_000), case=24, shape="fish"),
        _t("abon-tongkol-100", "hasil-laut-olahan", "Abon Ikan Tongkol {village} 100 g", "{village} Tuna Floss 100 g",
           "Abon ikan tongkol pedas manis tanpa pengawet.",
           "Sweet and spicy tuna floss without preservatives.",
           grams=100, shelf=180, price=(25_000, 40_000), case=24, shape="fish"),
    ],
    "padi": [
        _t("beras-organik-5kg", "beras-biji", "Beras Organik {village} 5 kg", "{village} Organic Rice 5 kg",
           "Beras putih organik varietas Mentik Wangi, giling baru.",
           "Freshly milled organic Mentik Wangi white rice.",
           unit="pack", pack="5", grams=5000, shelf=180, price=(75_000, 110_000), case=4, shape="sack"),
        _t("beras-merah-1kg", "beras-biji", "Beras Merah Organik {village} 1 kg", "{village} Organic Red Rice 1 kg",
           "Beras merah pecah kulit, kaya serat.",
           "Husked red rice, rich in fibre.",
           unit="kg", grams=1000, shelf=180, price=(18_000, 28_000), case=10, shape="sack"),
        _t("rengginang-250", "camilan-keripik", "Rengginang Terasi {village} 250 g", "{village} Shrimp-Paste Rice Crackers 250 g",
           "Rengginang mentah dari beras ketan dan terasi, tinggal digoreng.",
           "Uncooked sticky-rice crackers with shrimp paste, ready to fry.",
           grams=250, shelf=180, price=(12_000, 20_000), case=24, shape="pack"),
    ],
    "rempah": [
        _t("jahe-merah-instan", "minuman-herbal", "Jahe Merah Instan {village} 250 g", "{village} Instant Red Ginger 250 g",
           "Minuman jahe merah instan dengan gula aren, menghangatkan badan.",
           "Instant red ginger drink with palm sugar, warming.",
           grams=250, shelf=365, price=(25_000, 40_000), case=24, shape="jar"),
        _t("kunyit-asam-500", "minuman-herbal", "Jamu Kunyit Asam {village} 500 ml", "{village} Turmeric-Tamarind Jamu 500 ml",
           "Jamu kunyit asam segar tanpa pengawet, simpan dingin.",
           "Fresh turmeric and tamarind jamu without preservatives. Keep chilled.",
           grams=530, shelf=7, price=(10_000, 18_000), case=12, shape="bottle"),
        _t("temulawak-instan", "minuman-herbal", "Temulawak Instan {village} 200 g", "{village} Instant Java Ginger 200 g",
           "Serbuk temulawak dari tanaman obat di sekitar Meru Betiri.",
           "Java ginger powder from medicinal gardens near Meru Betiri.",
           grams=200, shelf=365, price=(20_000, 35_000), case=24, shape="jar"),
        _t("simplisia-jahe-250", "minuman-herbal", "Simplisia Jahe Kering {village} 250 g", "{village} Dried Ginger Slices 250 g",
           "Irisan jahe kering untuk wedang dan bahan jamu.",
           "Dried ginger slices for hot drinks and jamu.",
           grams=250, shelf=365, price=(20_000, 30_000), case=20, shape="leaf"),
    ],
    "kedelai": [
        _t("keripik-tempe-200", "camilan-keripik", "Keripik Tempe Sagu {village} 200 g", "{village} Tempeh Crisps 200 g",
           "Keripik tempe tipis dengan tepung sagu dan daun jeruk.",
           "Thin tempeh crisps with sago flour and lime leaf.",
           grams=200, shelf=90, price=(12_000, 20_000), case=24, shape="pack"),
        _t("keripik-tempe-pedas", "camilan-keripik", "Keripik Tempe Pedas {village} 150 g", "{village} Spicy Tempeh Crisps 150 g",
           "Keripik tempe dengan sambal kering pedas.",
           "Tempeh crisps with a dry chilli coating.",
           grams=150, shelf=90, price=(12_000, 18_000), case=24, shape="pack"),
    ],
}

# Coffee-bead jewellery and souvenirs: made alongside coffee (Sidomulyo's craft group).
COFFEE_CRAFTS = [
    _t("kalung-biji-kopi", "aksesori", "Kalung Biji Kopi {village}", "{village} Coffee Bean Necklace",
       "Kalung dari biji kopi sangrai yang dipernis, dirangkai tangan oleh ibu-ibu {village}.",
       "A necklace of varnished roasted coffee beans, strung by hand by the women of {village}.",
       grams=40, price=(25_000, 60_000), case=12, shape="necklace"),
    _t("gelang-biji-kopi", "aksesori", "Gelang Biji Kopi {village}", "{village} Coffee Bean Bracelet",
       "Gelang elastis dari biji kopi dan manik kayu.",
       "A stretch bracelet of coffee beans and wooden beads.",
       grams=20, price=(15_000, 30_000), case=24, shape="necklace"),
]


@dataclass(frozen=True)
class VillageSpec:
    district: str
    village: str
    flagship: str
    others: tuple[str, ...]
    stage: str  # the stage the village has reached (catalog.models.Stage value)
    producers: int
    story: str


# Spread over all 31 districts; the specialities follow what each area of Jember is known for.
VILLAGES = [
    VillageSpec("Silo", "Sidomulyo", "kopi-robusta", ("kopi-arabika",), "showcase_ready", 4,
                "Desa kopi di lereng Raung: lebih dari 700 petani robusta, kelompok ibu-ibu perajin kalung biji kopi, dan wisata kebun kopi."),
    VillageSpec("Silo", "Garahan", "kopi-arabika", ("kopi-robusta",), "packaging_design", 2,
                "Kebun kopi rakyat di sekitar terowongan kereta Mrawan, arabika ditanam di bawah naungan lamtoro."),
    VillageSpec("Sumberjambe", "Sumberjambe", "kopi-robusta", ("madu",), "commodity_management", 2,
                "Kopi robusta dari lereng barat Gunung Raung, dijual ke pengepul sebelum program dimulai."),
    VillageSpec("Sumberjambe", "Rowosari", "kopi-arabika", ("kopi-robusta",), "showcase_ready", 2,
                "Arabika dataran tinggi dan kelompok tani muda yang mengolah proses natural dan honey."),
    VillageSpec("Panti", "Suci", "kopi-robusta", ("madu",), "packaging_design", 2,
                "Kopi robusta dan madu hutan dari lereng Argopuro."),
    VillageSpec("Panti", "Kemiri", "kopi-robusta", ("pisang",), "coaching", 2,
                "Desa di kaki Argopuro yang bangkit setelah banjir bandang 2006, kini mengolah kopi sendiri."),
    VillageSpec("Ajung", "Ajung", "tembakau", ("batik",), "showcase_ready", 3,
                "Pusat tembakau Na-Oogst: gudang pengeringan, pelinting cerutu dan perajin batik motif daun tembakau."),
    VillageSpec("Arjasa", "Arjasa", "tembakau", ("bambu",), "packaging_design", 2,
                "Petani tembakau besuki yang mulai melinting cerutu sendiri."),
    VillageSpec("Kalisat", "Sumberketempa", "tembakau", (), "commodity_management", 2,
                "Tembakau rajangan dan daun pembungkus cerutu dari dataran Kalisat."),
    VillageSpec("Jenggawah", "Kemuningsarikidul", "tembakau", ("kedelai",), "coaching", 2,
                "Lahan tembakau bawah naungan (TBN) untuk daun pembungkus cerutu."),
    VillageSpec("Sukowono", "Sukokerto", "tembakau", ("singkong-tape",), "socialisation", 0,
                "Petani tembakau yang baru mengikuti sosialisasi program."),
    VillageSpec("Bangsalsari", "Banjarsari", "kakao", ("kopi-robusta",), "showcase_ready", 2,
                "Kakao di sekitar kebun Banjarsari, fermentasi biji dipelajari bersama peneliti kakao."),
    VillageSpec("Rambipuji", "Nogosari", "kakao", ("pisang",), "packaging_design", 3,
                "Dekat pusat penelitian kopi dan kakao; kelompok wanita membuat cokelat batang bean-to-bar."),
    VillageSpec("Sukorambi", "Klungkung", "edamame", (), "showcase_ready", 3,
                "Edamame kualitas ekspor ditanam bermitra dengan pabrik pembeku di Jember."),
    VillageSpec("Sukorambi", "Jubung", "edamame", ("padi",), "commodity_management", 2,
                "Sawah edamame bergiliran dengan padi; kelompok ibu-ibu membuat keripik edamame."),
    VillageSpec("Kaliwates", "Mangli", "edamame", ("singkong-tape",), "packaging_design", 2,
                "Kelurahan tempat pabrik edamame beku pertama di Jember berdiri."),
    VillageSpec("Wuluhan", "Lojejer", "buah-naga", ("hasil-laut",), "packaging_design", 2,
                "Kebun buah naga di dataran selatan dekat pantai Watu Ulo."),
    VillageSpec("Ambulu", "Sumberejo", "buah-naga", ("pisang",), "showcase_ready", 2,
                "Sentra buah naga merah dengan agrowisata petik sendiri."),
    VillageSpec("Semboro", "Semboro", "jeruk", (), "showcase_ready", 3,
                "Jeruk siam Semboro yang dikenal sampai Surabaya dan Bali."),
    VillageSpec("Semboro", "Sidomekar", "jeruk", ("padi",), "coaching", 2,
                "Kebun jeruk siam muda, petani belajar sortir dan kemas."),
    VillageSpec("Umbulsari", "Gunungsari", "jeruk", ("kelapa",), "surveyed", 0,
                "Kebun jeruk baru disurvei; belum ada kelompok usaha."),
    VillageSpec("Patrang", "Patrang", "singkong-tape", (), "showcase_ready", 3,
                "Sentra tape dan suwar-suwir: puluhan dapur rumah tangga membuat oleh-oleh khas Jember."),
    VillageSpec("Patrang", "Gebang", "singkong-tape", (), "packaging_design", 2,
                "Usaha prol tape dan brownies tape yang ramai menjelang Lebaran."),
    VillageSpec("Kaliwates", "Kepatihan", "singkong-tape", ("batik",), "showcase_ready", 3,
                "Toko oleh-oleh di pusat kota dan dapur suwar-suwir turun-temurun."),
    VillageSpec("Sumbersari", "Kranjingan", "singkong-tape", ("pisang",), "commodity_management", 2,
                "Pembuat tape dan keripik singkong di pinggir kota."),
    VillageSpec("Sumbersari", "Sumbersari", "batik", (), "showcase_ready", 3,
                "Sanggar batik motif daun tembakau dan biji kopi, dekat kampus Universitas Jember."),
    VillageSpec("Tanggul", "Manggisan", "rempah", ("kelapa",), "coaching", 2,
                "Jahe merah dan kunyit di lahan pekarangan, diolah menjadi minuman instan."),
    VillageSpec("Tempurejo", "Andongrejo", "rempah", ("madu",), "commodity_management", 2,
                "Desa penyangga Taman Nasional Meru Betiri, kebun tanaman obat keluarga."),
    VillageSpec("Puger", "Pugerkulon", "hasil-laut", (), "showcase_ready", 3,
                "Pelabuhan ikan terbesar di Jember: terasi, ikan asin dan petis."),
    VillageSpec("Puger", "Wringintelu", "pandan", ("kelapa",), "packaging_design", 2,
                "Anyaman pandan duri dari pesisir selatan."),
    VillageSpec("Gumukmas", "Kepanjen", "hasil-laut", ("kelapa",), "coaching", 2,
                "Kampung nelayan di pantai Kepanjen, kerupuk tengiri dan abon tongkol."),
    VillageSpec("Kencong", "Kencong", "kelapa", ("padi",), "commodity_management", 2,
                "Penderes nira kelapa dan gula semut di ujung barat daya Jember."),
    VillageSpec("Jombang", "Sarimulyo", "padi", ("kedelai",), "coaching", 2,
                "Petani padi organik dan pembuat rengginang."),
    VillageSpec("Sumberbaru", "Sumberagung", "pisang", (), "coaching", 2,
                "Kebun pisang kepok dan ambon di perbatasan Lumajang."),
    VillageSpec("Balung", "Balungkidul", "kedelai", ("pisang",), "socialisation", 1,
                "Perajin tempe yang mulai membuat keripik tempe kemasan."),
    VillageSpec("Mumbulsari", "Suco", "pisang", ("singkong-tape",), "socialisation", 0,
                "Desa pertanian yang baru mengenal program."),
    VillageSpec("Pakusari", "Subo", "bambu", (), "packaging_design", 2,
                "Perajin besek dan keranjang bambu untuk pasar Jember dan Bondowoso."),
    VillageSpec("Jelbuk", "Panduman", "madu", ("kopi-robusta",), "coaching", 2,
                "Peternak lebah klanceng dan madu randu di jalur Jember-Bondowoso."),
    VillageSpec("Mayang", "Tegalrejo", "rempah", ("pisang",), "surveyed", 0,
                "Pekarangan jahe dan kunyit; survei awal selesai."),
    VillageSpec("Ledokombo", "Sumberlesung", "bambu", ("kopi-robusta",), "commodity_management", 2,
                "Perajin bambu di kaki Raung, dikenal lewat komunitas permainan tradisional egrang."),
]

OWNER_NAMES = [
    "Siti Aminah", "Ahmad Fauzi", "Sri Wahyuni", "Moh. Hasan", "Nur Hayati", "Slamet Riyadi", "Lilik Suryani",
    "Abdul Rohim", "Endang Lestari", "Imam Syafi'i", "Dwi Rahayu", "Hairul Anam", "Ninik Sulastri", "Agus Salim",
    "Yuli Astutik", "Bambang Sugiarto", "Umi Kulsum", "Samsul Arifin", "Wiwik Handayani", "Hadi Purnomo",
    "Fatimatus Zahro", "Mochammad Sholeh", "Rina Marlina", "Suparman", "Khotijah", "Eko Prasetyo", "Maimunah",
    "Rudi Hartono", "Nurul Hidayah", "Joko Susilo", "Sulastri", "Abdullah Faqih", "Titik Rahmawati", "Sugeng Riyanto",
    "Musyarofah", "Heru Santoso", "Anik Yuliana", "Mat Ali", "Sumiati", "Fathor Rahman", "Lailatul Qomariyah",
    "Didik Hermawan", "Zainab", "Purwanto", "Nanik Suhartini", "Ach. Mudhofar", "Yayuk Wahyuningsih", "Sutrisno",
]

PRODUCER_PATTERNS = {
    "kopi-robusta": ["Kopi Rakyat {village}", "Kelompok Tani Kopi {village}", "Robusta {village} Lestari", "Kopi Lereng Raung"],
    "kopi-arabika": ["Arabika {village}", "Kopi Ijen-Raung {village}", "Sangrai {village}"],
    "tembakau": ["Cerutu {village}", "Tembakau Besuki {village}", "Linting Na-Oogst {village}"],
    "kakao": ["Cokelat {village}", "Kakao Lestari {village}", "Kelompok Wanita Kakao {village}"],
    "edamame": ["Edamame {village}", "Tani Edamame {village}", "Mukimame {village}"],
    "buah-naga": ["Buah Naga {village}", "Kebun Naga Merah {village}"],
    "jeruk": ["Jeruk Siam {village}", "Tani Jeruk {village}"],
    "singkong-tape": ["Tape Manis {village}", "Suwar-Suwir {village}", "Prol Tape {village}", "Dapur Tape {village}"],
    "batik": ["Batik Tembakau {village}", "Sanggar Batik {village}", "Batik Daun Mas {village}"],
    "bambu": ["Anyaman Bambu {village}", "Besek {village}"],
    "pandan": ["Anyaman Pandan {village}", "Pandan Pesisir {village}"],
    "kelapa": ["Gula Kelapa {village}", "Nira {village}"],
    "madu": ["Madu {village}", "Klanceng {village}"],
    "pisang": ["Keripik Pisang {village}", "Olahan Pisang {village}"],
    "hasil-laut": ["Terasi {village}", "Hasil Laut {village}", "Nelayan {village}"],
    "padi": ["Beras Organik {village}", "Rengginang {village}"],
    "rempah": ["Jamu {village}", "Jahe Merah {village}", "Empon-Empon {village}"],
    "kedelai": ["Keripik Tempe {village}", "Tempe {village}"],
}
LEGAL_FORMS = ["UD", "KUB", "CV", "UMKM", "Koperasi", "KWT"]

COACHING_TOPICS = {
    "coaching": [
        ("Manajemen usaha dan pembukuan sederhana", "Dinas Koperasi dan UMKM Kabupaten Jember"),
        ("Menghitung harga pokok produksi dan harga jual", "Pendamping UMKM Universitas Jember"),
        ("Keamanan pangan dan pendaftaran P-IRT", "Dinas Kesehatan Kabupaten Jember"),
        ("Mengurus NIB lewat OSS dan sertifikat halal self-declare", "Pendamping PPH Halal Center"),
    ],
    "commodity_management": [
        ("Pascapanen dan sortasi mutu bahan baku", "Penyuluh Pertanian Lapangan"),
        ("Pencatatan stok dan rencana produksi bulanan", "Pendamping UMKM Universitas Jember"),
    ],
    "packaging_design": [
        ("Desain kemasan dan label sesuai aturan BPOM", "Rumah Kemasan Jawa Timur"),
        ("Foto produk dengan ponsel", "Komunitas fotografer Jember"),
    ],
    "showcase_ready": [
        ("Melayani pesanan grosir dan ritel modern", "Asosiasi Pengusaha Ritel Indonesia (Aprindo) Jawa Timur"),
    ],
}

SURVEY_PROBLEMS = [
    "Harga jual ditentukan pengepul; belum ada merek sendiri.",
    "Kemasan seadanya sehingga sulit masuk toko modern.",
    "Produksi musiman, modal kerja terbatas.",
    "Belum punya izin edar P-IRT dan sertifikat halal.",
    "Akses internet lemah untuk pemasaran daring.",
]
SURVEY_NEEDS = [
    "Pelatihan pengemasan dan label.", "Pendampingan perizinan (NIB, P-IRT, halal).",
    "Alat produksi (mesin sangrai, sealer, oven).", "Akses pembeli grosir dan toko oleh-oleh.",
    "Pelatihan pembukuan dan harga pokok produksi.",
]
SURVEY_UNITS = {"tembakau": "kg", "batik": "lembar", "bambu": "buah", "pandan": "buah"}


# --- pure helpers ---------------------------------------------------------------------------


def ean13_with_check_digit(first12: str) -> str:
    """Return ``first12`` followed by its EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def price_tiers_for(*, retail_price: int, min_order_qty: int, order_multiple: int) -> list[tuple[int, int]]:
    """Return wholesale tiers ``(from quantity, unit price)``: every step a multiple of the case
    pack, the first at the minimum order, each cheaper than the one before and than retail."""
    steps = [(1, Decimal("0.85")), (3, Decimal("0.80")), (6, Decimal("0.75"))]
    tiers: list[tuple[int, int]] = []
    for factor, discount in steps:
        quantity = min_order_qty * factor
        quantity -= quantity % order_multiple  # min_order_qty is already a multiple; kept as a guard
        price = int((Decimal(retail_price) * discount / 100).to_integral_value()) * 100  # whole hundreds
        if tiers and (quantity <= tiers[-1][0] or price >= tiers[-1][1]):
            continue
        tiers.append((max(quantity, min_order_qty), max(price, 100)))
    return tiers


def round_rupiah(amount: float) -> int:
    """Round a price the way village shops do: to Rp 500 below Rp 50.000, to Rp 1.000 above."""
    step = 500 if amount < 50_000 else 1_000
    return max(step, int(round(amount / step)) * step)


_FONT_DIR = "/usr/share/fonts/truetype/dejavu/"


def _font(size: int, *, bold: bool = False):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(_FONT_DIR + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), size)
    except OSError:
        try:
            return ImageFont.load_default(size)
        except TypeError:  # Pillow < 10.1 has no sized default font
            return ImageFont.load_default()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines[:3]


def photo_draw(*, title: str, subtitle: str, shape: str, background: tuple[int, int, int],
               size: tuple[int, int] = (640, 480)) -> bytes:
    """Return a JPEG of a simple illustration: a coloured card, a drawn shape, the product name."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    dark = tuple(max(0, c - 90) for c in background)
    light = tuple(min(255, c + 40) for c in background)
    accent = tuple(max(0, c - 45) for c in background)
    # a soft frame and a band for the caption
    draw.rounded_rectangle((16, 16, width - 16, height - 16), radius=28, outline=light, width=6)
    draw.rectangle((0, height - 150, width, height), fill=light)
    cx, cy = width // 2, (height - 150) // 2 + 8
    _shape_draw(draw, shape, cx, cy, dark=dark, accent=accent, light=light)

    title_font, sub_font = _font(30, bold=True), _font(20)
    lines = _wrap(draw, title, title_font, width - 60)
    y = height - 140 + (3 - len(lines)) * 12
    for line in lines:
        draw.text((cx, y), line, font=title_font, fill=dark, anchor="ma")
        y += 36
    draw.text((width - 30, height - 34), subtitle, font=sub_font, fill=accent, anchor="rs")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=88)
    return output.getvalue()


def _shape_draw(draw, shape: str, cx: int, cy: int, *, dark, accent, light) -> None:
    if shape == "bean":  # three coffee or cocoa beans
        for dx, dy in ((-70, 10), (0, -20), (70, 10)):
            box = (cx + dx - 34, cy + dy - 48, cx + dx + 34, cy + dy + 48)
            draw.ellipse(box, fill=dark)
            draw.arc((cx + dx - 10, cy + dy - 44, cx + dx + 10, cy + dy + 44), 100, 260, fill=light, width=5)
    elif shape == "fruit":
        draw.ellipse((cx - 90, cy - 80, cx + 90, cy + 90), fill=accent, outline=dark, width=5)
        draw.polygon([(cx, cy - 80), (cx - 30, cy - 125), (cx + 25, cy - 115)], fill=(70, 140, 70))
    elif shape == "pod":  # edamame pods
        for dx in (-60, 0, 60):
            draw.rounded_rectangle((cx + dx - 22, cy - 90, cx + dx + 22, cy + 90), radius=22, fill=(90, 160, 80))
            for dy in (-45, 0, 45):
                draw.ellipse((cx + dx - 14, cy + dy - 16, cx + dx + 14, cy + dy + 16), fill=(150, 205, 120))
    elif shape in ("leaf", "cigar"):
        if shape == "cigar":
            for dy in (-50, 0, 50):
                draw.rounded_rectangle((cx - 140, cy + dy - 16, cx + 140, cy + dy + 16), radius=16, fill=dark)
                draw.rectangle((cx + 60, cy + dy - 16, cx + 90, cy + dy + 16), fill=(200, 60, 50))
        else:
            draw.ellipse((cx - 70, cy - 110, cx + 70, cy + 110), fill=(120, 110, 50), outline=dark, width=4)
            draw.line((cx, cy - 105, cx, cy + 105), fill=dark, width=4)
    elif shape in ("cloth", "mat"):
        for row in range(5):
            for col in range(7):
                x, y = cx - 175 + col * 50, cy - 110 + row * 45
                fill = dark if (row + col) % 2 else accent
                draw.ellipse((x + 5, y + 5, x + 45, y + 40), outline=fill, width=4)
    elif shape in ("basket", "bag"):
        draw.arc((cx - 80, cy - 130, cx + 80, cy + 10), 180, 360, fill=dark, width=10)
        draw.rounded_rectangle((cx - 120, cy - 60, cx + 120, cy + 100), radius=18, fill=accent, outline=dark, width=5)
        for x in range(cx - 110, cx + 120, 30):
            draw.line((x, cy - 55, x, cy + 95), fill=light, width=3)
    elif shape in ("bottle", "jar"):
        neck = 22 if shape == "bottle" else 55
        draw.rectangle((cx - neck, cy - 120, cx + neck, cy - 70), fill=dark)
        draw.rounded_rectangle((cx - 70, cy - 80, cx + 70, cy + 110), radius=30, fill=accent, outline=dark, width=5)
        draw.rectangle((cx - 70, cy - 10, cx + 70, cy + 40), fill=light)
    elif shape == "necklace":
        draw.arc((cx - 120, cy - 110, cx + 120, cy + 110), 20, 160, fill=dark, width=3)
        for angle in range(25, 160, 12):
            x = cx + 120 * math.cos(math.radians(angle))
            y = cy + 110 * math.sin(math.radians(angle))
            draw.ellipse((x - 11, y - 15, x + 11, y + 15), fill=dark)
    elif shape in ("cake", "bar"):
        draw.rounded_rectangle((cx - 150, cy - 60, cx + 150, cy + 70), radius=14, fill=accent, outline=dark, width=5)
        for x in range(cx - 100, cx + 150, 50):
            draw.line((x, cy - 60, x, cy + 70), fill=dark, width=3)
    elif shape == "fish":
        draw.ellipse((cx - 120, cy - 50, cx + 80, cy + 50), fill=accent, outline=dark, width=5)
        draw.polygon([(cx + 70, cy), (cx + 140, cy - 50), (cx + 140, cy + 50)], fill=dark)
        draw.ellipse((cx - 90, cy - 15, cx - 70, cy + 5), fill=dark)
    elif shape == "straw":
        for dx in range(-90, 100, 30):
            draw.rounded_rectangle((cx + dx - 8, cy - 110, cx + dx + 8, cy + 110), radius=8, fill=accent,
                                   outline=dark, width=2)
    else:  # "pack", "sack": a stand-up pouch
        draw.polygon([(cx - 100, cy - 110), (cx + 100, cy - 110), (cx + 115, cy + 110), (cx - 115, cy + 110)],
                     fill=accent, outline=dark)
        draw.rectangle((cx - 100, cy - 110, cx + 100, cy - 90), fill=dark)
        draw.ellipse((cx - 45, cy - 40, cx + 45, cy + 50), fill=light)


# --- the load -------------------------------------------------------------------------------


@dataclass
class DemoResult:
    already_loaded: bool = False
    villages: int = 0
    producers: int = 0
    products: int = 0
    photos: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    orders_by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    accounts: list[tuple[str, str]] = field(default_factory=list)


def demo_accounts_count() -> int:
    """Return how many accounts of the demo domain exist (their password is published)."""
    from market.accounts.models import User

    return User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").count()


def demo_is_loaded() -> bool:
    """Return whether the demo officer (the marker of a finished load) exists."""
    from market.accounts.models import User

    return User.objects.filter(email__iexact=OFFICER_EMAIL).exists()


def demo_data_load(*, seed: int = DEFAULT_SEED, scale: float = 1.0, photo_share: float = 1.0,
                   log: Callable[[str], None] | None = None) -> DemoResult:
    """Load the demo Jember once; return what was created (or ``already_loaded``).

    ``scale`` keeps that share of the villages (at least one of each programme stage), and so
    of producers and products; ``photo_share`` is the share of products that get a photo.
    """
    from django.conf import settings
    from django.db import transaction

    from catalog.exceptions import DemoDataNotAllowed
    from market.regions.models import Village
    from market.regions.services import region_import_file

    if not settings.DEMO_DATA_ALLOWED:
        raise DemoDataNotAllowed()
    started = time.monotonic()
    log = log or (lambda message: None)
    if demo_is_loaded():
        return DemoResult(already_loaded=True, accounts=_accounts())
    if not Village.objects.filter(code__startswith="35.09.").exists():
        log("Importing the Jember regions first ...")
        region_import_file()
    with transaction.atomic():
        loader = _Loader(rng=random.Random(seed), scale=scale, photo_share=photo_share, log=log)
        result = loader.run()
    result.seconds = time.monotonic() - started
    result.accounts = _accounts()
    return result


def _accounts() -> list[tuple[str, str]]:
    return [("officer (petugas)", OFFICER_EMAIL), ("producer owner (produsen)", PRODUCER_EMAIL),
            ("buyer owner (pembeli)", BUYER_EMAIL), ("buyer manager (manajer)", CHAIN_MANAGER_EMAIL),
            ("buyer member (staf)", CHAIN_MEMBER_EMAIL), ("buyer waiting for verification (hotel)", QUEUED_BUYER_EMAIL),
            ("consumer (konsumen)", CONSUMER_EMAIL),
            ("investor", INVESTOR_EMAIL), ("investor waiting for verification (CSR)", QUEUED_INVESTOR_EMAIL)]


def villages_for_scale(scale: float) -> list[VillageSpec]:
    """Return the first ``scale`` share of ``VILLAGES``, plus the first village of any stage left out."""
    count = max(1, min(len(VILLAGES), round(len(VILLAGES) * scale)))
    chosen = VILLAGES[:count]
    stages = {spec.stage for spec in chosen}
    for spec in VILLAGES[count:]:
        if spec.stage not in stages:
            chosen.append(spec)
            stages.add(spec.stage)
    return chosen


class _Loader:
    def __init__(self, *, rng: random.Random, scale: float, photo_share: float, log: Callable[[str], None]):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        self.rng = rng
        self.scale = scale
        self.photo_share = photo_share
        self.log = log
        self.today = timezone.localdate()
        # One hash for every demo account: hashing is deliberately slow, and they share a password.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.result = DemoResult()
        self.owner_no = 0
        self.producer_no = 0

    # accounts ----------------------------------------------------------------------------

    def user(self, *, email: str, role: str, full_name: str, organisation_name: str = "", phone: str = ""):
        """Create a user the way allauth's sign-up does (verified email), then complete the sign-up."""
        from allauth.account.models import EmailAddress

        from market.accounts.models import User
        from market.accounts.services import user_complete_sign_up

        user = User.objects.create_user(email=email, password=None)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user_complete_sign_up(user=user, role=role, full_name=full_name, organisation_name=organisation_name,
                                     phone=phone)

    # the story ---------------------------------------------------------------------------

    def run(self) -> DemoResult:
        from catalog.demo_commerce import demo_commerce_load
        from market.accounts.models import Role
        from market.accounts.services import officer_create

        self.officer = officer_create(email=OFFICER_EMAIL, full_name="Dewi Kartika Sari", password=None)
        self.officer.password = self.password_hash
        self.officer.save(update_fields=["password"])
        self.reference_data()
        for spec in villages_for_scale(self.scale):
            self.village(spec)
        self.user(email=BUYER_EMAIL, role=Role.BUYER, full_name="Hendra Wijaya",
                  organisation_name="Toko Oleh-Oleh Suwar-Suwir Jember Asli", phone="081234560001")
        self.user(email=CONSUMER_EMAIL, role=Role.CONSUMER, full_name="Ayu Lestari", phone="081234560002")
        investor = self.user(email=INVESTOR_EMAIL, role=Role.INVESTOR, full_name="Budi Santoso", phone="081234560003")
        self.result.orders_by_status = demo_commerce_load(
            officer=self.officer, rng=self.rng, password_hash=self.password_hash, today=self.today,
            photos=self.photo_share > 0).orders_by_status
        from catalog.demo_shop import shop_demo_load
        from market.accounts.models import User

        shop_demo_load(officer=self.officer, consumer=User.objects.get(email=CONSUMER_EMAIL))
        from showcases.demo import showcases_demo_load

        showcases_demo_load(officer=self.officer, buyer_email=BUYER_EMAIL, today=self.today)
        from placements.demo import placements_demo_load

        placements_demo_load(officer=self.officer, today=self.today)
        from investors.demo import investors_demo_load

        queued_investor = self.user(email=QUEUED_INVESTOR_EMAIL, role=Role.INVESTOR, full_name="Rina Wulandari",
                                    phone="081234560004")
        investors_demo_load(officer=self.officer, investor=investor, queued_investor=queued_investor)
        from reviews.demo import reviews_demo_load  # after every order: delivered ones are reviewed

        reviews_demo_load(photos=self.photo_share > 0)
        from programme.demo import programme_demo_load  # after every order: the cockpit's sales count them

        programme_demo_load()
        return self.result

    def reference_data(self) -> None:
        from catalog.models import Category, Commodity
        from catalog.services import category_create, commodity_create

        # A data migration or an officer may have created some already; reuse those.
        self.commodities = {c.slug: c for c in Commodity.objects.all()}
        for slug, name, name_en in COMMODITIES:
            if slug not in self.commodities:
                self.commodities[slug] = commodity_create(name=name, name_en=name_en, slug=slug, officer=self.officer)
        self.categories = {c.slug: c for c in Category.objects.all()}
        for slug, parent, name, name_en, food in CATEGORIES:
            if slug not in self.categories:
                self.categories[slug] = category_create(
                    name=name, name_en=name_en, slug=slug, officer=self.officer,
                    parent=self.categories[parent] if parent else None, requires_food_permits=food)
        self.categories_by_pk = {c.pk: c for c in self.categories.values()}

    def village(self, spec: VillageSpec) -> None:
        from catalog.models import Stage
        from catalog.services import (
            coaching_session_record,
            village_advance_stage,
            village_profile_get_or_create,
            village_profile_update,
        )
        from market.regions.models import Village

        rng = self.rng
        village = Village.objects.get(district__regency_id="35.09", district__name=spec.district, name=spec.village)
        profile = village_profile_get_or_create(village=village)
        village_profile_update(profile=profile, officer=self.officer, story=spec.story, contact_officer=self.officer,
                               flagship_commodity=self.commodities[spec.flagship],
                               other_commodities=[self.commodities[slug] for slug in spec.others])
        self.result.villages += 1

        target = Stage.index(spec.stage)
        day = self.today - timedelta(days=rng.randint(560, 700))  # the programme started about two years ago
        self.survey(profile, spec, day)
        stage_days = {Stage.SURVEYED.value: day}
        producers: list = []
        for stage in Stage.values[1:target + 1]:
            day += timedelta(days=rng.randint(60, 105))
            village_advance_stage(profile=profile, to_stage=stage, officer=self.officer, on=day,
                                  note=_STAGE_NOTES[stage].format(village=village.name))
            stage_days[stage] = day
            if stage == Stage.COMMODITY_MANAGEMENT and rng.random() < 0.7:
                self.survey(profile, spec, day - timedelta(days=rng.randint(5, 20)), resurvey=True)
        if spec.producers:
            count = spec.producers
            for index in range(count):
                producers.append(self.producer(spec, village, index, stage_reached=spec.stage))
        # Coaching sessions of each stage reached, held between its start and the next stage (or today).
        reached = Stage.values[Stage.index(Stage.COACHING):target + 1] if target >= Stage.index(Stage.COACHING) else []
        for position, stage in enumerate(reached):
            start = stage_days[stage]
            end = stage_days.get(reached[position + 1]) if position + 1 < len(reached) else self.today
            topics = COACHING_TOPICS[stage]
            for topic, trainer in rng.sample(topics, k=min(len(topics), rng.randint(1, 2))):
                held_on = start + timedelta(days=rng.randint(3, max(4, (end - start).days - 3)))
                attendees = [p for p in producers if rng.random() < 0.85] or producers[:1]
                coaching_session_record(
                    profile=profile, officer=self.officer, held_on=min(held_on, self.today), stage=stage,
                    topic=topic, trainer=trainer, attendees=attendees,
                    materials="Modul, lembar kerja dan contoh kemasan.",
                    outcomes=rng.choice(["Peserta menyusun rencana usaha sederhana.",
                                         "Setiap peserta menghitung HPP satu produknya.",
                                         "Tiga produk siap difoto ulang dengan label baru.",
                                         "Peserta sepakat mencatat stok mingguan."]))

    def survey(self, profile, spec: VillageSpec, surveyed_on: date, *, resurvey: bool = False) -> None:
        from catalog.services import survey_record

        rng = self.rng
        total = rng.randint(40, 420)
        remote = spec.district in {"Silo", "Sumberjambe", "Panti", "Tempurejo", "Ledokombo", "Jelbuk"}
        commodities = [spec.flagship, *spec.others]
        survey_record(
            profile=profile, officer=self.officer, surveyed_on=surveyed_on,
            workforce_total=total, workforce_women=int(total * rng.uniform(0.3, 0.6)),
            workforce_youth=int(total * rng.uniform(0.15, 0.35)), existing_businesses=rng.randint(3, 40),
            road=rng.choice(["fair", "poor"] if remote else ["good", "good", "fair"]),
            electricity=rng.choice(["good", "fair"]),
            internet=rng.choice(["poor", "fair", "none"] if remote else ["good", "fair"]),
            water=rng.choice(["good", "fair"]),
            problems=" ".join(rng.sample(SURVEY_PROBLEMS, 2)),
            needs=" ".join(rng.sample(SURVEY_NEEDS, 2)),
            raw_materials=", ".join(self.commodities[slug].name for slug in commodities),
            commodities=[{"commodity": self.commodities[slug],
                          "estimated_production_per_month": Decimal(rng.randint(5, 120) * (10 if resurvey else 8)),
                          "unit": SURVEY_UNITS.get(slug, "kg")} for slug in commodities],
        )

    def producer(self, spec: VillageSpec, village, index: int, *, stage_reached: str):
        from catalog.models import PermitKind, Unit
        from catalog.services import producer_create, producer_permit_set, producer_verify
        from market.accounts.models import Role

        rng = self.rng
        self.producer_no += 1
        number = self.producer_no
        commodity = spec.flagship if index < 2 or not spec.others else spec.others[(index - 2) % len(spec.others)]
        craft_group = spec.village == "Sidomulyo" and index == spec.producers - 1
        pattern = PRODUCER_PATTERNS[commodity][index % len(PRODUCER_PATTERNS[commodity])]
        if craft_group:
            pattern = "Kelompok Perajin Kalung Kopi {village}"
        legal_form = rng.choice(LEGAL_FORMS)
        name = pattern.format(village=village.name.title())
        if not name.startswith("Kelompok"):  # a group (kelompok) has no legal form of its own
            name = f"{legal_form} {name}"
        owner_name = OWNER_NAMES[(number - 1) % len(OWNER_NAMES)]
        email = PRODUCER_EMAIL if number == 1 else f"produsen{number:02d}@{DEMO_DOMAIN}"
        phone = f"08{rng.choice(['12', '13', '21', '52', '57', '77'])}{rng.randint(10_000_000, 99_999_999)}"
        owner = self.user(email=email, role=Role.PRODUCER, full_name=owner_name, organisation_name=name, phone=phone)
        organisation = owner.organisations.get()
        food = commodity not in {"tembakau", "batik", "bambu", "pandan"} and not craft_group
        producer = producer_create(organisation=organisation, village=village, name=name, actor=owner, phone=phone,
                                   whatsapp=phone, capacity_per_month=rng.randint(50, 2_000),
                                   capacity_unit=Unit.KG if food else Unit.PCS)
        producer_verify(producer=producer, officer=self.officer)
        self.result.producers += 1

        # Permits: an NIB for everyone; food makers a P-IRT (or BPOM MD) and halal. Every 16th
        # producer has a certificate running out within 30 days, to show the reminders.
        permits = {PermitKind.NIB: (f"{rng.choice('19')}{rng.randint(10**11, 10**12 - 1)}", None)}
        soon = number % 16 == 5
        if food:
            permits[PermitKind.PIRT] = (
                f"{rng.randint(1, 9)}{rng.choice(['01', '03', '06', '09', '10', '11', '12'])}3509"
                f"{rng.randint(1, 9999):04d}{rng.randint(20, 29)}", self.expiry(rng, years=5))
            if rng.random() < 0.9:
                permits[PermitKind.HALAL] = (f"ID35110{rng.randint(10**11, 10**12 - 1)}", self.expiry(rng, years=4))
            if stage_reached in ("showcase_ready", "packaging_design") and rng.random() < 0.3:
                permits[PermitKind.BPOM_MD] = (f"MD {rng.randint(2, 8)}{rng.randint(10**10, 10**11 - 1)}",
                                               self.expiry(rng, years=5))
        elif rng.random() < 0.5:
            permits[PermitKind.TRADEMARK] = (f"IDM000{rng.randint(100_000, 999_999)}", self.expiry(rng, years=10))
        if soon:
            kind = PermitKind.HALAL if PermitKind.HALAL in permits else next(
                (k for k in permits if k != PermitKind.NIB), None)
            if kind is not None:
                permits[kind] = (permits[kind][0], self.today + timedelta(days=rng.randint(5, 28)))
        for kind, (number_text, expires_on) in permits.items():
            producer_permit_set(producer=producer, actor=owner, kind=kind, number=number_text, expires_on=expires_on)

        templates = list(TEMPLATES[commodity])
        if craft_group:
            picks = [("kopi-robusta", t) for t in list(COFFEE_CRAFTS) + rng.sample(TEMPLATES["kopi-robusta"], 2)]
        else:
            picks = [(commodity, t) for t in rng.sample(templates, k=min(len(templates), rng.randint(3, 5)))]
            if spec.others and rng.random() < 0.4:
                other = rng.choice(spec.others)
                extra = [t for t in TEMPLATES[other] if t not in [t for _c, t in picks]]
                picks += [(other, t) for t in rng.sample(extra, k=min(1, len(extra)))]
        for item, (made_of, template) in enumerate(picks, start=1):
            self.product(producer, owner, template, village=village, item=item, permits=set(permits),
                         stage_reached=stage_reached, food=food, commodity=self.commodities[made_of])
        return producer

    def expiry(self, rng: random.Random, *, years: int) -> date:
        return self.today + timedelta(days=rng.randint(60, 365 * years))

    def product(self, producer, owner, template: ProductTemplate, *, village, item: int, permits: set[str],
                stage_reached: str, food: bool, commodity=None) -> None:
        from catalog.models import PermitKind, Product, RejectionReason
        from catalog.services import (
            ProductChanges,
            product_approve,
            product_create,
            product_price_tiers_set,
            product_reject,
            product_submit_for_curation,
            stock_restock,
        )

        rng = self.rng
        Packaging = Product.Packaging
        place = village.name.title()
        category = self.categories[template.category]
        fresh = category.parent_id is not None and category.parent.slug == "hasil-tani-segar"
        packaging = _PACKAGING[stage_reached]
        packaging_status = Packaging.BASIC if fresh else rng.choice(packaging)
        certifications: list[str] = []
        if category.requires_food_permits:
            certifications = sorted(permits & {PermitKind.PIRT, PermitKind.BPOM_MD, PermitKind.HALAL})
            if PermitKind.BPOM_MD in certifications and PermitKind.PIRT in certifications:
                certifications.remove(PermitKind.PIRT)  # a product is registered under one of them
        elif PermitKind.TRADEMARK in permits:
            certifications = [PermitKind.TRADEMARK]

        retail = round_rupiah(rng.uniform(template.price_low, template.price_high))
        case = template.case_pack
        moq = case * rng.choice([1, 1, 2]) if case > 1 else rng.choice([1, 1, 2])
        barcode = ""
        if packaging_status in (Packaging.DESIGNED, Packaging.RETAIL_READY) or rng.random() < 0.5:
            barcode = ean13_with_check_digit(f"{BARCODE_PREFIX}{1000 + producer.pk % 9000:04d}{item:05d}")
        english = rng.random() < 0.75
        product = product_create(producer=producer, actor=owner, changes=ProductChanges(
            category=category, commodity=commodity,
            name=template.name.format(village=place), description=template.description.format(village=place),
            name_en=template.name_en.format(village=place) if english else "",
            description_en=template.description_en.format(village=place) if english else "",
            sku=f"{producer.pk:03d}-{template.key.upper()}"[:64], unit=template.unit,
            pack_size=Decimal(template.pack_size), weight_grams=template.weight_grams,
            shelf_life_days=template.shelf_life_days, certifications=certifications,
            packaging_status=packaging_status, barcode=barcode, retail_price=retail,
            min_order_qty=moq, order_multiple=case,
        ))
        self.result.products += 1
        product_price_tiers_set(product=product, actor=owner,
                                tiers=price_tiers_for(retail_price=retail, min_order_qty=moq, order_multiple=case))
        status = _pick_status(rng, stage_reached)
        if status != Product.Status.DRAFT:
            stock_restock(product=product, quantity=moq * rng.randint(2, 25), actor=owner,
                          reference="Stok awal (data demo)")
        if rng.random() < self.photo_share:
            self.photo(product, owner, template, category, place)
        if status != Product.Status.DRAFT:
            product_submit_for_curation(product=product, actor=owner)
        if status == Product.Status.APPROVED:
            product_approve(product=product, officer=self.officer, note="Lolos kurasi.")
        elif status == Product.Status.REJECTED:
            reason = rng.choice([RejectionReason.PHOTOS, RejectionReason.PACKAGING, RejectionReason.PRICE,
                                 RejectionReason.DESCRIPTION])
            product_reject(product=product, officer=self.officer, reasons=[reason],
                           note=_REJECTION_NOTES[reason])
        self.result.by_status[status] = self.result.by_status.get(status, 0) + 1

    def photo(self, product, owner, template: ProductTemplate, category, place: str) -> None:
        from catalog.services import product_photo_add

        root = category
        while root.parent_id is not None:
            root = self.categories_by_pk[root.parent_id]
        background = self.rng.choice(ROOT_COLOURS.get(root.slug, [(220, 220, 220)]))
        jpeg = photo_draw(title=product.name, subtitle=f"{place} · Jember", shape=template.shape, background=background)
        # Through the same checks as a producer's upload, so it is stored like one.
        product_photo_add(product=product, actor=owner, image=io.BytesIO(jpeg), alt_text=product.name)
        self.result.photos += 1


def _pick_status(rng: random.Random, stage: str) -> str:
    weights = _STATUS_WEIGHTS[stage]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


_STATUS_WEIGHTS = {
    "showcase_ready": {"approved": 86, "submitted": 6, "rejected": 4, "draft": 4},
    "packaging_design": {"approved": 78, "submitted": 10, "rejected": 6, "draft": 6},
    "commodity_management": {"approved": 60, "submitted": 18, "rejected": 10, "draft": 12},
    "coaching": {"approved": 35, "submitted": 25, "rejected": 12, "draft": 28},
    "socialisation": {"approved": 0, "submitted": 30, "rejected": 0, "draft": 70},
    "surveyed": {"approved": 0, "submitted": 0, "rejected": 0, "draft": 100},
}
_PACKAGING = {
    "showcase_ready": ["retail_ready", "retail_ready", "retail_ready", "designed"],
    "packaging_design": ["designed", "designed", "retail_ready", "basic"],
    "commodity_management": ["basic", "basic", "designed"],
    "coaching": ["basic", "basic", "none"],
    "socialisation": ["none", "basic"],
    "surveyed": ["none"],
}
_STAGE_NOTES = {
    "socialisation": "Sosialisasi program di balai desa {village} bersama perangkat desa dan kelompok usaha.",
    "coaching": "Kelompok usaha {village} siap mengikuti pelatihan manajemen usaha dan industri.",
    "commodity_management": "Pendampingan pengelolaan bahan baku dan produksi komoditas unggulan {village}.",
    "packaging_design": "Produk {village} masuk tahap desain kemasan dan label.",
    "showcase_ready": "Produk {village} lolos kurasi dan siap dipamerkan ke pembeli.",
}
_REJECTION_NOTES = {
    "photos": "Foto kurang terang; mohon foto ulang dengan latar polos.",
    "packaging": "Kemasan belum mencantumkan komposisi dan tanggal kedaluwarsa.",
    "price": "Harga grosir lebih tinggi dari harga pasar; mohon ditinjau.",
    "description": "Deskripsi belum menjelaskan ukuran dan bahan.",
}
