"""Walk the quick start as its visitors do: each demo account logs in, lands on its home page
and opens every page its home page and menu link to.

Run by CI against the server ``make run`` starts on SQLite (the tests run on PostgreSQL, so a
query only PostgreSQL understands would otherwise reach a newcomer's first click as a 500).
Prints one line per page and exits 1 when any page answers other than 200 or a redirect to one.

    python scripts/quickstart_walk.py http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

ACCOUNTS = ["tinh", "huyen", "xa", "cantho", "nhonmy", "bonoivu", "admin"]
PASSWORD = "demo1234"
#: Links a walk must not follow: they change data or end the session.
SKIP = re.compile(r"/dang-xuat/|/admin/|\.(xlsx|csv|pdf)$|/mau-excel/|/csv/|/excel/")


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def fetch(browser, url: str, data: dict | None = None, referer: str = "") -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": referer or url})
    try:
        with browser.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, url, ""


def links(base: str, html: str) -> list[str]:
    """The same-site pages a page links to (no fragments, no files, no log-out)."""
    found = []
    for href in re.findall(r'<a [^>]*href="([^"#]+)"', html):
        url = urllib.parse.urljoin(base, href.replace("&amp;", "&"))
        if url.startswith(base) and not SKIP.search(urllib.parse.urlsplit(url).path):
            found.append(url)
    return list(dict.fromkeys(found))


def walk(base: str, account: str) -> list[str]:
    browser = opener()
    login = f"{base}/dang-nhap/"
    status, _url, page = fetch(browser, login)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        return [f"{account}: the login page answered {status}"]
    status, home, page = fetch(browser, login, {"csrfmiddlewaretoken": token.group(1),
                                                "username": account, "password": PASSWORD},
                               referer=login)
    if status != 200 or "/dang-nhap/" in home:
        return [f"{account}: could not log in ({status}, {home})"]
    print(f"{account}: home {home}")
    failures = []
    for url in links(base, page):
        status, _url, _page = fetch(browser, url)
        print(f"  {status} {url}")
        if status != 200:
            failures.append(f"{account}: {url} answered {status}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the server's address, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    failures = [failure for account in ACCOUNTS for failure in walk(base, account)]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
