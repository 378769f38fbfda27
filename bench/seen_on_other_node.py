"""For bench/run: a logged-in member replies through node A; prints "yes" when node B's very
next anonymous reading of the reply's page shows it (node B had that page cached).

Usage: seen_on_other_node.py BASE_A BASE_B THREAD MEMBER PASSWORD
"""

import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

base_a, base_b, thread, member, password = sys.argv[1:6]


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hands redirects back instead of following them."""

    def redirect_request(self, *args):
        return None


member_browser = urllib.request.build_opener(
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), KeepRedirects
)
reader = urllib.request.build_opener(KeepRedirects)


def fetch(opener, url):
    """(status, Location, body) of a GET."""
    try:
        with opener.open(url) as response:
            return response.status, None, response.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location"), ""


def field(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def post(url, fields):
    """Sends a form; returns where the 303 after it points."""
    try:
        member_browser.open(url, urllib.parse.urlencode(fields).encode())
    except urllib.error.HTTPError as answer:
        if answer.code == 303:
            return answer.headers["Location"]
        raise
    raise SystemExit(f"{url}: no redirect after the form")


login = fetch(member_browser, base_a + "/login")[2]
post(base_a + "/login", {"identifier": member, "password": password, "csrf": field(login, "csrf")})

# Node B caches the thread's last page, where the reply will land.
thread_url = f"{base_b}/t/{thread}/generated-thread"
first_page = fetch(reader, thread_url)[2]
last = max([1] + [int(n) for n in re.findall(r"\?page=(\d+)", first_page)])
for _ in range(2):
    fetch(reader, f"{thread_url}?page={last}")

form = f"{base_a}/t/{thread}/reply"
composer = fetch(member_browser, form)[2]
marker = f"Seen on the other node? {time.time_ns()}"
permalink = post(
    form,
    {
        "body": marker,
        "action": "post",
        "csrf": field(composer, "csrf"),
        "submission": field(composer, "submission"),
    },
)

# Where the reply landed, asked of node B, then that page: node B's next reading of it.
status, page_url, _ = fetch(reader, base_b + permalink)
assert status == 302, f"permalink on node B: {status}"
print("yes" if marker in fetch(reader, base_b + page_url.split("#")[0])[2] else "no")
