"""Indonesian administrative regions, keyed by their official Kemendagri codes.

Province ``35`` → regency ``35.09`` → district (kecamatan) ``35.09.01`` →
village (desa ``2xxx`` / kelurahan ``1xxx``) ``35.09.01.2001``.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

_ACRONYMS = {"DKI", "DI", "KAB.", "II"}


def _title(name: str) -> str:
    """Title-case an upper-case official name, keeping acronyms (``DKI JAKARTA`` → ``DKI Jakarta``)."""
    return " ".join(word if word in _ACRONYMS else word.capitalize() for word in name.split())


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _title(self.name) if self.name.isupper() else self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("Regency (kabupaten)")
        CITY = "kota", _("City (kota)")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """``KAB. JEMBER`` → ``Kabupaten Jember``; ``KOTA SURABAYA`` → ``Kota Surabaya``."""
        base = self.name.removeprefix("KAB. ").removeprefix("KOTA ")
        label = "Kabupaten" if self.kind == self.Kind.REGENCY else "Kota"
        return f"{label} {_title(base) if base.isupper() else base}"


class District(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="village_name_idx")]

    def __str__(self) -> str:
        return self.name
