"""Pieces the catalog API's resources share: photos with thumbnail URLs, small references, params."""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.images import THUMBNAIL_SIZES
from catalog.models import PhotoBase, photo_thumbnail_name

DISTRICT_CODE = r"^\d{2}\.\d{2}\.\d{2}$"
VILLAGE_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"


def _url(request, name: str) -> str:
    url = default_storage.url(name)
    return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


class PhotoSerializer(serializers.Serializer):
    """A photo (a ``ProductPhoto``/``VillagePhoto`` row, or an entry of an approved snapshot).

    ``thumbnails`` maps each thumbnail width (160, 480, 960) to the URL of the smallest stored
    version at least that wide: the photo itself until its thumbnails are made, or when it is
    smaller than the width.
    """

    id = serializers.IntegerField(required=False, help_text=_("Only on working copies (to delete the photo)."))
    url = serializers.URLField()
    alt = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    thumbnails = serializers.DictField(child=serializers.URLField())

    def to_representation(self, photo) -> dict:
        request = self.context.get("request")
        if isinstance(photo, PhotoBase):
            image, thumbnails = photo.image.name, photo.thumbnails or {}
            data = {"id": photo.pk, "url": _url(request, image), "alt": photo.alt_text, "width": photo.width,
                    "height": photo.height}
        else:
            image, thumbnails = photo.get("image", ""), photo.get("thumbnails") or {}
            data = {"url": _url(request, image), "alt": photo.get("alt", ""), "width": photo.get("width") or 0,
                    "height": photo.get("height") or 0}
        data["thumbnails"] = {
            str(size): _url(request, photo_thumbnail_name(image=image, thumbnails=thumbnails, size=size))
            for size in THUMBNAIL_SIZES}
        return data


class ReferenceSerializer(serializers.Serializer):
    """A category or commodity (a model row or the ``{id, slug, name, name_en}`` a selector annotates)."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class IdNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def query_params(serializer_class, request) -> dict:
    """Validate query parameters with ``serializer_class`` (400 ``invalid`` naming each bad one);
    return the values given, without the empty ones."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}
