"""Open a bound HTML view in headless Chromium and play it as a reader would.

Usage: python3 tests/browser/play.py <book.html> <scratch-dir>
Prints one JSON object: links whose anchor is missing, whether play mode reached an
ending (and in how many steps), and every console warning or error.
Needs Debian's chromium and chromium-driver, and the PyPI package selenium.
"""
import json
import sys

from selenium.webdriver.common.by import By

from chrome import chromium

page, scratch = sys.argv[1], sys.argv[2]
driver = chromium(scratch)
try:
    driver.get("file://" + page)
    missing = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href^=\"#\"]'))"
        ".map(a => a.getAttribute('href').slice(1))"
        ".filter(id => !document.getElementById(id));")
    driver.find_element(By.ID, "play").click()
    visited, steps, ending, stuck = set(), 0, False, False
    while steps < 500:
        current = driver.find_element(By.CSS_SELECTOR, "section.passage.current")
        visited.add(current.get_attribute("id"))
        if current.find_elements(By.CSS_SELECTOR, "p.ending"):
            ending = True
            break
        links = current.find_elements(By.CSS_SELECTOR, "ul.choices li:not(.closed) > a")
        if not links:
            stuck = True
            break
        fresh = [a for a in links if a.get_attribute("href").split("#")[-1] not in visited]
        (fresh or links)[0].click()
        steps += 1
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('section.passage'))"
        ".filter(s => getComputedStyle(s).display !== 'none').length;")
    console = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
    print(json.dumps({"missing": missing, "ending": ending, "stuck": stuck, "steps": steps,
                      "visible_sections": shown, "console": console}))
finally:
    driver.quit()
