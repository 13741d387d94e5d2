"""Play a bound HTML view in headless Chromium the way readers keep a game: with the
keyboard alone, with the browser's Back and Forward, with saves, with the codex, and
under axe-core's accessibility rules.

Usage: python3 tests/browser/player.py <scenario> <book.html> <scratch-dir> [<other-book.html>]
Scenarios: keyboard, history, saves (the other book is another snapshot of the same
book, whose saves must be refused), codex, sound, axe.
Prints one JSON object: what the reader was shown at each step of the scenario, and
every console warning or error. The Rust tests (tests/cli/bind.rs) judge it.
Needs Debian's chromium and chromium-driver, and the PyPI packages selenium and
selenium-axe-python (which bundles axe-core's axe.min.js).
"""
import json
import os
import sys

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from chrome import chromium

scenario, page, scratch = sys.argv[1], sys.argv[2], sys.argv[3]
other = sys.argv[4] if len(sys.argv) > 4 else None
URL = "file://" + page


def browser():
    return chromium(scratch, ["--window-size=1024,768", "--mute-audio"])


driver = browser()


def js(script, *args):
    return driver.execute_script(script, *args)


def here():
    """What the reader is shown now."""
    return js("""
        var cur = document.querySelector('section.passage.current');
        var shown = function (el) { return !!el && el.checkVisibility(); };
        var carried = document.getElementById('carried');
        var entry = document.querySelector('aside.glossary > section.shown');
        var active = document.activeElement;
        return {
          playing: document.body.classList.contains('playing'),
          section: cur && shown(cur) ? cur.id : null,
          visible_sections: Array.from(document.querySelectorAll('section.passage')).filter(shown).length,
          carried: shown(carried) ? carried.textContent : null,
          open: cur ? Array.from(cur.querySelectorAll('ul.choices li')).filter(shown)
                        .map(function (li) { return li.querySelector('a').textContent; }) : [],
          entry: entry && shown(entry) ? entry.id : null,
          back_shown: shown(document.getElementById('back')),
          continue_shown: shown(document.getElementById('continue')),
          saves_button_shown: shown(document.getElementById('saves-open')),
          hash: location.hash,
          history_length: history.length,
          state: history.state,
          announced: document.getElementById('announce').textContent,
          status: document.getElementById('status').textContent,
          focus: active ? {tag: active.tagName.toLowerCase(), id: active.id || null,
                           text: active.textContent.trim().slice(0, 80),
                           href: active.getAttribute('href'),
                           outline: getComputedStyle(active).outlineStyle} : null
        };""")


def click_choice(label):
    links = [a for a in driver.find_elements(
        By.CSS_SELECTOR, "section.passage.current ul.choices li:not(.closed) > a") if a.text == label]
    if not links:
        raise SystemExit("no open choice %r at %s" % (label, here()["section"]))
    links[0].click()


def press(*keys):
    chain = ActionChains(driver)
    for k in keys:
        chain.send_keys(k)
    chain.perform()


def tab_to(matches, limit=80):
    """Presses Tab until the focused element satisfies `matches` (a JS expression over
    `el`); how many presses it took, or None."""
    for n in range(1, limit + 1):
        press(Keys.TAB)
        if js("var el = document.activeElement; return !!(" + matches + ");"):
            return n
    return None


def slot_text(n):
    return js("return document.querySelectorAll('#slots li')[arguments[0]].textContent;", n - 1)


def open_saves():
    toggle = driver.find_element(By.ID, "saves-open")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def button(text):
    found = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == text]
    if not found:
        raise SystemExit("no button %r" % text)
    return found[0]


def keyboard():
    driver.get(URL)
    steps = []
    tabs = tab_to("el.id === 'play'")
    if tabs is None:
        return {"reached_play": False}
    press(Keys.SPACE)
    steps.append(dict(here(), key="Space on Play"))
    # The codex with the keyboard: Enter on a prose link opens the entry, Escape closes it.
    codex = {}
    first = steps[0]["section"]
    if tab_to("el.matches('section.passage.current p a[href]')", 20) is not None:
        link = js("return document.activeElement.getAttribute('href');")
        press(Keys.ENTER)
        codex["opened"] = here()
        press(Keys.ESCAPE)
        codex["closed"] = here()
        codex["link"] = link
    # Back to the top of the passage, as a reader would after reading the entry.
    js("document.querySelector('section.passage.current h2').focus();")
    visited, ending = {first}, False
    while len(steps) < 60:
        now = here()
        cur = driver.find_element(By.CSS_SELECTOR, "section.passage.current")
        if cur.find_elements(By.CSS_SELECTOR, "p.ending"):
            ending = True
            break
        hrefs = [a.get_attribute("href").split("#")[-1] for a in cur.find_elements(
            By.CSS_SELECTOR, "ul.choices li:not(.closed) > a")]
        if not hrefs:
            break
        fresh = [h for h in hrefs if h not in visited]
        target = (fresh or hrefs)[0]
        visited.add(target)
        n = tab_to("el.matches('section.passage.current ul.choices a') && "
                   "el.getAttribute('href') === '#" + target + "'")
        if n is None:
            steps.append({"lost": target, "from": now["section"]})
            break
        chosen = here()["focus"]
        press(Keys.ENTER)
        steps.append(dict(here(), key="Enter on " + chosen["text"], tabs=n,
                          chosen_outline=chosen["outline"]))
    return {"reached_play": True, "tabs_to_play": tabs, "codex": codex, "steps": steps,
            "ending": ending}


def history():
    driver.get(URL)
    driver.find_element(By.ID, "play").click()
    steps = [dict(here(), did="play")]
    for label in ["Slip out into the yard", "Go down to the canal market",
                  "Hail the ferry at the water stairs", "Pay her fare across the marsh"]:
        click_choice(label)
        steps.append(dict(here(), did=label))
    for did in ["back", "back", "forward", "forward", "back"]:
        getattr(driver, did)()
        steps.append(dict(here(), did=did))
    # From the ferry again, another choice: a new branch of history.
    click_choice("Leave her to her pipe")
    steps.append(dict(here(), did="Leave her to her pipe"))
    driver.back()
    steps.append(dict(here(), did="back"))
    # Back past the first passage: the page as it was before Play, the whole book.
    for _ in range(3):
        driver.back()
    start = here()
    driver.back()
    return {"steps": steps, "start": start, "before_play": here()}


def saves():
    out = {}
    driver.get(URL)
    out["opening"] = here()
    driver.find_element(By.ID, "play").click()
    for label in ["Slip out into the yard", "Go down to the canal market"]:
        click_choice(label)
    out["before_reload"] = here()
    driver.refresh()
    out["reloaded"] = here()
    driver.get(URL)
    out["reopened"] = here()
    driver.find_element(By.ID, "continue").click()
    out["continued"] = here()
    click_choice("Hail the ferry at the water stairs")
    open_saves()
    out["saves_expanded"] = driver.find_element(By.ID, "saves-open").get_attribute("aria-expanded")
    out["slot1_empty"] = slot_text(1)
    button("Save in slot 1").click()
    out["saved"] = dict(here(), slot1=slot_text(1))
    click_choice("Pay her fare across the marsh")
    out["paid"] = here()
    open_saves()
    button("Load slot 1").click()
    out["loaded"] = here()
    # Restart asks on the page (never window.confirm), keeps the slots.
    js("window.__confirmed = 0; window.confirm = function () { window.__confirmed++; return true; };")
    driver.find_element(By.ID, "restart").click()
    out["asked"] = dict(here(), asking=driver.find_element(By.ID, "restart-ask").is_displayed())
    button("Keep playing").click()
    out["kept_playing"] = here()
    driver.find_element(By.ID, "restart").click()
    button("Start again").click()
    out["restarted"] = dict(here(), confirm_calls=js("return window.__confirmed;"))
    open_saves()
    out["slot1_after_restart"] = slot_text(1)
    button("Save in slot 2").click()
    button("Delete slot 1").click()
    out["deleted"] = dict(here(), slot1=slot_text(1), slot2=slot_text(2))
    if other:
        # Another snapshot of the same book, in the same browser: its saves are refused.
        driver.get("file://" + other)
        out["other_opening"] = here()
        open_saves()
        out["other_slot2"] = slot_text(2)
        button("Load slot 2").click()
        out["other_load"] = here()
    # A browser that will not keep anything: play goes on, the reader is told.
    driver.get("about:blank")
    refuse = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "Object.defineProperty(window, 'localStorage', {configurable: true, get: function () {"
        " throw new DOMException('The page may not use storage.', 'SecurityError'); }});")})
    driver.get(URL)
    out["no_storage_opening"] = here()
    driver.find_element(By.ID, "play").click()
    click_choice("Slip out into the yard")
    out["no_storage_played"] = here()
    driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": refuse["identifier"]})
    # A full storage: writes throw once play has begun.
    driver.get("about:blank")
    full = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "(function () { var real = Storage.prototype.setItem;"
        " Storage.prototype.setItem = function (k, v) {"
        "  if (/probe$/.test(k)) { return real.call(this, k, v); }"
        "  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; }());")})
    driver.get(URL)
    driver.find_element(By.ID, "play").click()
    out["full_storage_started"] = here()
    click_choice("Slip out into the yard")
    out["full_storage_played"] = here()
    driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": full["identifier"]})
    return out


def codex():
    out = {}
    driver.get(URL)
    driver.find_element(By.ID, "play").click()
    click_choice("Open Odile's locker first")
    click_choice("Go down into the yard")
    out["before"] = here()
    link = driver.find_element(By.CSS_SELECTOR, "section.passage.current p a[href^='#']")
    out["link"] = link.get_attribute("href").split("#")[-1]
    link.click()
    out["opened"] = dict(here(), passage_shown=driver.find_element(By.CSS_SELECTOR, "section.passage.current").is_displayed())
    button("Back to the story").click()
    out["returned"] = here()
    return out


def sound():
    """Every sound cue: how its player is set up and shown, that nothing plays on its
    own, that the file decodes, and that in play mode a sound the reader started stops
    when they leave its passage."""
    def cues():
        return js("""
            return Array.from(document.querySelectorAll('audio')).map(function (a) {
              var figure = a.closest('figure'), caption = figure && figure.querySelector('figcaption');
              var source = a.querySelector('source'), section = a.closest('section.passage');
              return {section: section && section.id, autoplay: a.autoplay, paused: a.paused,
                      preload: a.getAttribute('preload'), controls: a.controls,
                      type: source && source.type, can_play: source ? a.canPlayType(source.type) : '',
                      caption: caption && caption.textContent,
                      caption_shown: !!caption && caption.checkVisibility(),
                      current_time: a.currentTime};
            });""")
    driver.set_script_timeout(30)
    driver.get(URL)
    out = {"opened": cues()}
    driver.execute_async_script("setTimeout(arguments[arguments.length - 1], 1500);")
    out["a_moment_later"] = cues()
    out["metadata"] = driver.execute_async_script("""
        var done = arguments[arguments.length - 1], a = document.querySelector('audio');
        a.addEventListener('loadedmetadata', function () { done({duration: a.duration, error: null}); });
        a.addEventListener('error', function () { done({duration: null, error: a.error ? a.error.code : -1}); });
        a.preload = 'metadata';
        a.load();""")
    driver.find_element(By.ID, "play").click()
    out["started"] = driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var a = document.querySelector('section.passage.current audio');
        if (!a) { done({error: 'no sound in the current passage'}); return; }
        a.play().then(function () { done({section: a.closest('section').id, paused: a.paused, error: null}); },
                      function (e) { done({error: String(e)}); });""")
    click_choice("Report to the Warden")
    out["after_leaving"] = dict(here(), sounds=cues())
    return out


def axe():
    source = os.path.join(os.path.dirname(__import__("selenium_axe_python").__file__),
                          "axe-core", "axe.min.js")
    with open(source, encoding="utf-8") as f:
        axe_js = f.read()

    def check(name):
        js(axe_js)
        # axe-core waits for every player's metadata before it judges media (and warns
        # when a player with preload="none" never loads any): load it as a reader's
        # press on the player would, then put the page's preload back as it was.
        driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            var waiting = Array.from(document.querySelectorAll('audio, video')).filter(function (m) {
              return m.readyState === 0;
            }).map(function (m) {
              return new Promise(function (ok) {
                var was = m.getAttribute('preload');
                var back = function () { if (was === null) { m.removeAttribute('preload'); } else { m.setAttribute('preload', was); } ok(); };
                m.addEventListener('loadedmetadata', back, {once: true});
                m.addEventListener('error', back, {once: true});
                m.preload = 'metadata';
                m.load();
              });
            });
            Promise.all(waiting).then(function () { done(); });""")
        result = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document).then(function (r) { done({version: axe.version,"
            " passes: r.passes.length, violations: r.violations.map(function (v) {"
            "  return {id: v.id, impact: v.impact, help: v.help,"
            "          nodes: v.nodes.map(function (n) { return n.target.join(' ') + ': ' + n.failureSummary; })}; })}); },"
            " function (e) { done({error: String(e)}); });")
        result["where"] = name
        return result

    driver.set_script_timeout(60)
    driver.get(URL)
    runs = [check("reading")]
    driver.find_element(By.ID, "play").click()
    runs.append(check("playing, at a passage with a sound"))
    click_choice("Open Odile's locker first")
    click_choice("Go down into the yard")
    runs.append(check("playing"))
    driver.find_element(By.CSS_SELECTOR, "section.passage.current p a[href^='#']").click()
    runs.append(check("codex entry open"))
    button("Back to the story").click()
    open_saves()
    button("Save in slot 1").click()
    driver.find_element(By.ID, "restart").click()
    runs.append(check("saved games and the restart question open"))
    # axe really looks: a picture without a text alternative is found.
    js("document.querySelector('section.passage.current').insertAdjacentHTML("
       "'beforeend', '<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">');")
    canary = check("canary: a picture without alt text")
    return {"runs": runs, "canary": canary}


try:
    result = {"keyboard": keyboard, "history": history, "saves": saves, "codex": codex,
              "sound": sound, "axe": axe}[scenario]()
    result["console"] = [e for e in driver.get_log("browser")
                         if e.get("level") in ("SEVERE", "WARNING")]
    print(json.dumps(result))
finally:
    driver.quit()
