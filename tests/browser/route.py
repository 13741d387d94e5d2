"""Open a bound HTML view in headless Chromium, press Play and take the choices named,
in order, as a reader would (by clicking their links).

Usage: python3 tests/browser/route.py <book.html> <scratch-dir> <label>...
Prints one JSON object: per step (the start first) the section shown, the text of the
line that tells the reader what they carry, and the labels of the choices open there;
and every console warning or error. A label that is not open where the reader stands
stops the walk (`refused` names it).
Needs Debian's chromium and chromium-driver, and the PyPI package selenium.
"""
import json
import sys

from selenium.webdriver.common.by import By

from chrome import chromium

page, scratch, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
driver = chromium(scratch)


def here():
    current = driver.find_element(By.CSS_SELECTOR, "section.passage.current")
    carried = driver.find_elements(By.ID, "carried")
    return {
        "section": current.get_attribute("id"),
        "carried": carried[0].text if carried and carried[0].is_displayed() else None,
        "open": [a.text for a in current.find_elements(
            By.CSS_SELECTOR, "ul.choices li:not(.closed) > a")],
    }


try:
    driver.get("file://" + page)
    driver.find_element(By.ID, "play").click()
    steps, refused = [here()], None
    for label in labels:
        current = driver.find_element(By.CSS_SELECTOR, "section.passage.current")
        links = [a for a in current.find_elements(By.CSS_SELECTOR, "ul.choices li:not(.closed) > a")
                 if a.text == label]
        if not links:
            refused = label
            break
        links[0].click()
        steps.append(here())
    console = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
    print(json.dumps({"steps": steps, "refused": refused, "console": console}))
finally:
    driver.quit()
