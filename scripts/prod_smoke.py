"""Start the app under the production settings and fetch what a first visitor fetches.

Run by ``make prod-check`` (after Django's ``check --deploy``) and so by CI. In a throwaway
folder and an in-memory SQLite database — it checks the settings and the static files, never
touches data:

1. ``collectstatic`` with the production storage (whitenoise's compressed manifest), which
   fails on any static file naming another that is not shipped (a source map, a font);
2. ``migrate``, then through the whole middleware stack (whitenoise first, as in production):
   the login page and the public results page must answer 200, and every stylesheet and
   script the login page links must answer 200 under its hashed name, cacheable (no
   ``no-store``).

Prints one line per request and exits 1 on the first failure. ``SECRET_KEY`` and
``ALLOWED_HOSTS`` are used when set (the first allowed host is the one asked for), otherwise a
throwaway key and ``cchc.example.gov.vn``.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/dang-nhap/", "/cong-khai/"]


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cchc-static-") as static_root:
        smoke(static_root)


def smoke(static_root: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(DJANGO_ENV="production", STATIC_ROOT=static_root,
                      DATABASE_URL="sqlite:///:memory:", DJANGO_SETTINGS_MODULE="cchc.settings")
    os.environ.setdefault("SECRET_KEY", "prod-smoke-" + os.urandom(32).hex())
    os.environ.setdefault("ALLOWED_HOSTS", "cchc.example.gov.vn")
    host = os.environ["ALLOWED_HOSTS"].split(",")[0].strip()

    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as exc:  # noqa: BLE001 — any failure here is the answer
        fail(f"collectstatic under DJANGO_ENV=production: {type(exc).__name__}: {exc}")
    print(f"collectstatic: {sum(1 for _ in Path(static_root).rglob('*'))} files in {static_root}")
    call_command("migrate", interactive=False, verbosity=0)

    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_HOST=host)

    def get(path: str):
        response = client.get(path, secure=True)
        print(f"GET {path} -> {response.status_code} ({response.get('Cache-Control', '-')})")
        if response.status_code != 200:
            fail(f"{path} answered {response.status_code} under the production settings")
        return response

    login = None
    for path in PAGES:
        response = get(path)
        login = login or response.content.decode()
    linked = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', login)
    if not linked:
        fail("the login page links no stylesheet or script under /static/")
    from django.contrib.staticfiles.storage import staticfiles_storage

    ours = [staticfiles_storage.url(path.relative_to(ROOT / "static").as_posix())
            for path in sorted((ROOT / "static").rglob("*")) if path.suffix in {".css", ".js"}]
    assets = list(dict.fromkeys(linked + ours))
    for url in assets:
        if not re.search(r"\.[0-9a-f]{12}\.(css|js)$", url):
            fail(f"{url} is not a hashed name: the manifest storage is not in use")
        response = get(url)
        response.close()  # whitenoise's open file
        if "no-store" in response.get("Cache-Control", "") or "max-age" not in response.get(
                "Cache-Control", ""):
            fail(f"{url} is not cacheable: Cache-Control {response.get('Cache-Control')!r}")
    print(f"production smoke: {len(PAGES)} pages and {len(assets)} static files answer 200")


if __name__ == "__main__":
    main()
