"""Uploaded media served by the app itself (market/core/media.py): photos inline with safe headers, nothing
outside MEDIA_ROOT, and nothing that a browser could run as HTML or SVG from the site's origin."""
from __future__ import annotations

import io
import json
import os
import uuid
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils.http import http_date
from PIL import Image

from market.core.media import media_urlpatterns
from tests.market.test_settings import PROD_ENV, run_python

MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": MEDIA_CSP,
    "Cross-Origin-Resource-Policy": "same-site",
}


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def media_root(tmp_path):
    """An empty MEDIA_ROOT inside ``tmp_path`` (a sibling holds a secret that must never be served)."""
    root = tmp_path / "media"
    (root / "products" / "2025" / "01").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("DATABASE_PASSWORD=hunter2")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


def put(root: Path, name: str, content: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def headers_of(response) -> dict[str, str]:
    return {name: response.get(name) for name in SAFE_HEADERS}


def test_a_photo_is_served_inline_with_safe_headers_and_cached_for_a_year(client, media_root):
    name = f"products/2025/01/{uuid.uuid4().hex}.jpg"
    photo = put(media_root, name, jpeg_bytes())

    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == photo.read_bytes()
    assert headers_of(response) == SAFE_HEADERS
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Last-Modified"] == http_date(photo.stat().st_mtime)
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize(("extension", "content_type"), [
    ("webp", "image/webp"), ("png", "image/png"), ("gif", "image/gif"), ("avif", "image/avif"), ("JPEG", "image/jpeg"),
])
def test_thumbnails_and_other_image_types_come_with_their_type(client, media_root, extension, content_type):
    name = f"products/2025/01/{uuid.uuid4().hex}-480.{extension}"
    put(media_root, name, b"image bytes")

    response = client.get(f"/media/{name}")

    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    assert headers_of(response) == SAFE_HEADERS


@pytest.mark.parametrize("name", [
    "products/2025/01/page.html", "products/2025/01/drawing.svg", "products/2025/01/page.htm",
    "products/2025/01/page.xhtml", "products/2025/01/script.js", "products/2025/01/noextension",
    "products/2025/01/drawing.svg.gz",
])
def test_anything_but_an_image_is_an_inert_download(client, media_root, name):
    # given a file that a browser would run as a page if it were served as what its name says
    put(media_root, name, b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
                          b"<script>alert(document.cookie)</script>")

    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name.rsplit("/", 1)[1]}"'
    assert "Content-Encoding" not in response
    assert headers_of(response) == SAFE_HEADERS


def test_a_name_without_a_random_token_is_cached_for_an_hour_only(client, media_root):
    put(media_root, "villages/2025/01/gapura.jpg", jpeg_bytes())

    response = client.get("/media/villages/2025/01/gapura.jpg")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", [
    "/media/../secret.txt",
    "/media/products/../../secret.txt",
    "/media/%2e%2e/secret.txt",
    "/media/..%2fsecret.txt",
    "/media/products/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/media//etc/passwd",
    "/media/%2Fetc%2Fpasswd",
    "/media/..\\secret.txt",
    "/media/products/",
    "/media/products",
    "/media/",
    "/media/.hidden",
    "/media/products/2025/01/missing.jpg",
])
def test_paths_outside_media_root_directories_and_missing_files_are_404(client, media_root, path):
    put(media_root, ".hidden", b"x")

    response = client.get(path)

    assert response.status_code == 404
    assert b"hunter2" not in response.content and b"root:" not in response.content
    assert b"Index of" not in response.content


def test_a_symbolic_link_out_of_media_root_is_404(client, media_root):
    os.symlink(media_root.parent / "secret.txt", media_root / "products" / "link.jpg")

    response = client.get("/media/products/link.jpg")

    assert response.status_code == 404


def test_if_modified_since_answers_304_with_the_same_cache_headers(client, media_root):
    name = f"products/2025/01/{uuid.uuid4().hex}.webp"
    photo = put(media_root, name, b"webp")

    response = client.get(f"/media/{name}", HTTP_IF_MODIFIED_SINCE=http_date(photo.stat().st_mtime + 60))

    assert response.status_code == 304
    assert response.content == b""
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers_of(response) == SAFE_HEADERS


def test_head_is_answered_and_other_methods_are_refused(client, media_root):
    name = f"products/2025/01/{uuid.uuid4().hex}.jpg"
    put(media_root, name, jpeg_bytes())

    assert client.head(f"/media/{name}").status_code == 200
    assert client.post(f"/media/{name}").status_code == 405


@pytest.mark.parametrize(("overrides", "served"), [
    ({"MEDIA_SERVE": True, "MEDIA_URL": "/media/"}, True),
    ({"MEDIA_SERVE": False, "MEDIA_URL": "/media/"}, False),  # a proxy serves MEDIA_ROOT
    ({"MEDIA_SERVE": True, "MEDIA_URL": "https://media.example.id/"}, False),  # a separate media domain
    ({"MEDIA_SERVE": True, "MEDIA_URL": "//media.example.id/"}, False),
])
def test_the_app_routes_media_only_when_it_serves_them_from_its_own_origin(overrides, served):
    with override_settings(**overrides):
        assert bool(media_urlpatterns()) is served


PRODUCTION_REQUESTS = """
import json, django
django.setup()
from django.test import Client
from django.urls import Resolver404, resolve
client = Client(HTTP_HOST="kampung-industri.example.id", HTTP_X_FORWARDED_PROTO="https")
answers = {}
for path in %(paths)r:
    try:
        resolve(path)
    except Resolver404:  # not routed (the 404 page itself needs collectstatic and a database here)
        answers[path] = {"status": 404}
        continue
    response = client.get(path)
    answers[path] = {"status": response.status_code, **{name: response.get(name) for name in (
        "Content-Type", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy",
        "Cross-Origin-Resource-Policy", "Cache-Control")}}
print(json.dumps(answers))
"""


def production_answers(tmp_path, paths: list[str], **env: str) -> dict:
    """Ask a production-configured process (clean environment, DEBUG off) for ``paths``; return what it said."""
    result = run_python(PRODUCTION_REQUESTS % {"paths": paths}, "market.settings.production",
                        {**PROD_ENV, "MEDIA_ROOT": str(tmp_path / "media"), "SECURE_SSL_REDIRECT": "true", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_in_production_without_a_bucket_the_app_serves_photos_and_only_safely(tmp_path):
    # given a production deployment whose photos are on the local disk, and an HTML file that got there
    photo = f"products/2025/01/{uuid.uuid4().hex}.jpg"
    put(tmp_path / "media", photo, jpeg_bytes())
    put(tmp_path / "media", "products/2025/01/page.html", b"<script>alert(1)</script>")
    (tmp_path / "secret.txt").write_text("hunter2")

    # when a browser asks for them
    answers = production_answers(tmp_path, [f"/media/{photo}", "/media/products/2025/01/page.html"])

    # then the photo is an image with safe headers and the HTML an inert download (paths out of MEDIA_ROOT:
    # the tests above, same view)
    assert answers[f"/media/{photo}"] == {
        "status": 200, "Content-Type": "image/jpeg", "Content-Disposition": f'inline; filename="{photo[-36:]}"',
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": MEDIA_CSP,
        "Cross-Origin-Resource-Policy": "same-site", "Cache-Control": "public, max-age=31536000, immutable"}
    html = answers["/media/products/2025/01/page.html"]
    assert (html["status"], html["Content-Type"], html["Content-Disposition"]) == (
        200, "application/octet-stream", 'attachment; filename="page.html"')
    assert (html["Content-Security-Policy"], html["X-Content-Type-Options"]) == (MEDIA_CSP, "nosniff")


@pytest.mark.parametrize("env", [
    {"MEDIA_SERVE": "false"},  # a proxy serves MEDIA_ROOT
    {"AWS_STORAGE_BUCKET_NAME": "kampung-media"},  # photos live in a bucket
    {"MEDIA_URL": "https://media.example.id/"},  # a separate media domain
])
def test_in_production_the_app_leaves_media_to_a_proxy_a_bucket_or_a_media_domain(tmp_path, env):
    photo = f"products/2025/01/{uuid.uuid4().hex}.jpg"
    put(tmp_path / "media", photo, jpeg_bytes())

    answers = production_answers(tmp_path, [f"/media/{photo}"], **env)

    assert answers[f"/media/{photo}"]["status"] == 404
