"""The HTML the browser console serves around textual-serve's terminal page: the login page,
refusals, and the console page (textual-serve's own template, with a logout button)."""

from __future__ import annotations

import html
from pathlib import Path

import textual_serve

TEXTUAL_SERVE_DIR = Path(textual_serve.__file__).resolve().parent
STATIC_DIR = TEXTUAL_SERVE_DIR / "static"
CONSOLE_TEMPLATE = TEXTUAL_SERVE_DIR / "templates" / "app_index.html"

_STYLE = """
body { background: #0c181f; color: #e6eef2; font-family: menlo, monospace; }
main { max-width: 26em; margin: 12vh auto; padding: 2em; background: #12232d; }
h1 { font-size: 1.2em; margin-top: 0; }
label { display: block; margin: 0.8em 0 0.2em; }
input { width: 100%; box-sizing: border-box; padding: 0.4em; font: inherit; }
button { margin-top: 1.2em; padding: 0.5em 1.5em; font: inherit; }
.error { color: #ff8a80; }
"""


def login_page(title: str, message: str = "", user: str = "") -> str:
    """The login form; `message` (an error) is shown above it."""
    error = f'<p class="error" id="error">{html.escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - log in</title>
<style>{_STYLE}</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
{error}
<form method="post" action="/login">
<label for="user">User ID</label>
<input id="user" name="user" autocomplete="username" value="{html.escape(user)}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button id="login" type="submit">Log in</button>
</form>
</main></body></html>
"""


def password_page(title: str, user: str, message: str = "") -> str:
    """The forced first-login change: the current password again and a new one twice."""
    error = f'<p class="error" id="error">{html.escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - new password</title>
<style>{_STYLE}</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
<p>The password of {html.escape(user)} has expired and must be changed now.</p>
{error}
<form method="post" action="/password">
<input type="hidden" name="user" value="{html.escape(user)}">
<label for="password">Current password</label>
<input id="password" name="password" type="password" autocomplete="current-password" autofocus>
<label for="new">New password</label>
<input id="new" name="new" type="password" autocomplete="new-password">
<label for="retype">Retype the new password</label>
<input id="retype" name="retype" type="password" autocomplete="new-password">
<button id="change" type="submit">Change and log in</button>
</form>
</main></body></html>
"""


def message_page(title: str, message: str) -> str:
    """A page that only says why (a refused console), with the way back."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
<p class="error" id="error">{html.escape(message)}</p>
<form method="post" action="/logout"><button id="logout" type="submit">Log out</button></form>
</main></body></html>
"""


_LOGOUT = """<form method="post" action="/logout" style="position: fixed; right: 4px; top: 2px;
 z-index: 30; margin: 0;"><button id="logout" type="submit" style="padding: 2px 10px; margin: 0;
 font: 12px menlo, monospace; opacity: 0.7;">Log out USER</button></form>
</body>"""


def console_page(title: str, user: str, websocket_url: str, static_url: str,
                 font_size: int = 16) -> str:
    """textual-serve's console page, filled in as its own server does, with a logout button.
    Its web font link is dropped: an HMC is often on a network with no way out."""
    import jinja2

    source = CONSOLE_TEMPLATE.read_text("utf-8")
    start = source.find('<link\n      rel="stylesheet"\n      href="https://fonts.googleapis')
    if start >= 0:
        source = source[:start] + source[source.index("/>", start) + 2:]
    env = jinja2.Environment(autoescape=True)
    page = env.from_string(source).render(
        font_size=font_size, app_websocket_url=websocket_url,
        config={"static": {"url": static_url}}, application={"name": title}, ping_url="")
    return page.replace("</body>", _LOGOUT.replace("USER", html.escape(user)), 1)
