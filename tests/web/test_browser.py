"""A person at a browser: headless Chromium logs in, sees the frame overview, activates a
partition with the console's keys and sees it start. Skipped (reason printed) where the OS's
chromium and chromedriver are missing; .ci/run installs them."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import PASSWORDS
from tests.web.browser import Screen, browser_missing, row_of, start_browser
from tests.web.conftest import WebStackFactory

missing = browser_missing()
pytestmark = pytest.mark.skipif(missing is not None, reason=str(missing))
SHOT = Path(tempfile.gettempdir()) / "hmc-tui-browser-console.png"  # for a person to look at


def log_in(driver: Any, url: str, user: str, password: str) -> float:
    from selenium.webdriver.common.by import By

    driver.get(url)
    assert driver.current_url.endswith("/login")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    started = time.monotonic()
    driver.find_element(By.ID, "login").click()
    return started


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in keys:
        ActionChains(driver).send_keys(key).perform()
        time.sleep(0.05)


def activate_dev02(driver: Any, url: str) -> dict[str, Any]:
    """The whole user story, in the browser (runs in a thread: Selenium blocks)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    screen = Screen()
    started = log_in(driver, url, "hscroot", PASSWORDS["hscroot"])
    rows = screen.wait_for(driver, lambda rows: "Not Activated" in row_of(rows, "dev02")
                           and "Server-9080-HEX-SN78H4A21" in rows[0]
                           and any("hscroot (hmcsuperadmin)" in row for row in rows))
    first_screen = time.monotonic() - started
    overview = "\n".join(rows)
    driver.find_element(By.ID, "terminal").click()  # keyboard focus to the terminal
    press(driver, *[Keys.ARROW_DOWN] * 8)  # vios1 -> dev02 (ID order)
    press(driver, "a")
    dialog = screen.wait_for(driver, lambda rows: any("default_profile -b norm" in r
                                                      for r in rows))
    press(driver, Keys.ENTER)
    started_rows = screen.wait_for(driver, lambda rows: "Starting" in row_of(rows, "dev02"))
    driver.save_screenshot(str(SHOT))
    return {"first_screen": first_screen, "overview": overview, "dialog": "\n".join(dialog),
            "row": row_of(started_rows, "dev02")}



async def test_log_in_see_the_overview_activate_a_partition(make_web: WebStackFactory
                                                            ) -> None:
    web = await make_web(tls=True)  # HTTPS, as `hmc-tui serve --web` serves it
    assert web.url.startswith("https://")
    driver = await asyncio.to_thread(start_browser)
    try:
        seen = await asyncio.wait_for(asyncio.to_thread(activate_dev02, driver, web.url), 120)
    finally:
        await asyncio.to_thread(driver.quit)
    assert "Server-9080-HEX-SN78H4A21" in seen["overview"]
    assert "hscroot (hmcsuperadmin)" in seen["overview"]
    assert row_of(seen["overview"].splitlines(), "oradb01").split()[3] == "Running"
    assert "Activate partition: dev02" in seen["dialog"]
    assert "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 -f" in seen["dialog"]
    assert seen["row"].split()[:4] == ["dev02", "9", "AIX/Linux", "Starting"]
    assert web.engine.snapshot().frame.partition("dev02").state != "Not Activated"
    # The benchmark the task asks for: login click to the frame overview on screen.
    print(f"\nbrowser login to first screen: {seen['first_screen']:.2f} s")
    assert seen["first_screen"] < 30
