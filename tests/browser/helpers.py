"""Steps that many browser journeys share."""

import re

from tests.factories import PASSWORD


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Open the login page, sign in and wait for the home page."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def log_out(page) -> None:
    """Sign out through the navigation bar's button."""
    page.locator("form[action$='/logout/'] button").click()


def open_menu(page) -> None:
    """On a narrow screen, unfold the collapsed menu and wait until its animation has ended, so a
    click on one of its links lands on the link and not where it was a frame earlier."""
    toggler = page.locator(".navbar-toggler")
    if not toggler.is_visible():
        return
    toggler.click()
    page.locator(".navbar-collapse.collapse.show").wait_for(state="visible")


# Words an English page may show in Han characters, and a Chinese page in Latin letters, besides
# the proper names a journey passes in: units, the programme's abbreviations, file types.
_LATIN_ALLOWED_ON_CHINESE = {
    *("ID", "PDF", "Excel", "xlsx", "A4", "PNG", "JPG", "JPEG", "API", "CSV", "WPS"),
    *("Office", "Word", "Ctrl", "Cmd", "Mac", "Shift"),
}
_HAN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def _page_text(page, language: str) -> str:
    """The text a reader sees in the page's language: without the language switcher (which names
    each language in itself) and without text the page marks as another language with ``lang``
    (capital numerals of an amount, 人民币…元整, are Chinese on every finance record)."""
    text = page.locator("body").inner_text()
    foreign = page.evaluate(
        """(language) => {
            const switcher = '[data-testid=language-switcher]';
            return [...document.querySelectorAll(`body [lang], ${switcher}`)]
                .filter((element) => element.matches(switcher)
                    || !element.lang.toLowerCase().startsWith(language.slice(0, 2)))
                .map((element) => element.innerText);
        }""",
        language,
    )
    for part in sorted(foreign, key=len, reverse=True):
        if part.strip():
            text = text.replace(part, " ")
    return text


def assert_one_language(page, language: str, allowed=()) -> None:
    """The page speaks only the reader's language: no Han characters on an English page and no
    English words on a Chinese one, outside ``allowed`` (proper names, text users typed)."""
    text = _page_text(page, language)
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(str(name), " ")
    if language.startswith("zh"):
        # Codes in capitals (document numbers such as CXBDB-YS-2024-3) are not English words.
        stray = [
            word
            for word in _LATIN_WORD.findall(text)
            if word not in _LATIN_ALLOWED_ON_CHINESE and not word.isupper()
        ]
    else:
        stray = _HAN.findall(text)
    assert not stray, f"{page.url} ({language}) shows the other language: {stray[:20]}"


def assert_choices_visible(page) -> None:
    """Every choice on the page can be seen and chosen: each visible select is at least 20 px
    high with labelled options and shows its chosen option whole, each checkbox and radio is at
    least 12 px and has a visible label with text, not clipped (the check that
    would have caught a choice list drawn as one tiny box)."""
    problems = page.evaluate(
        """() => {
            const problems = [];
            const shown = (element) => {
                const box = element.getBoundingClientRect();
                const style = getComputedStyle(element);
                return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
            };
            // Not clipped: at least half of it lies inside every ancestor that hides overflow.
            const onTop = (element) => {
                const box = element.getBoundingClientRect();
                for (let outer = element.parentElement; outer; outer = outer.parentElement) {
                    const style = getComputedStyle(outer);
                    if (!/hidden|clip/.test(style.overflowX + style.overflowY)) continue;
                    const edge = outer.getBoundingClientRect();
                    const width = Math.min(box.right, edge.right) - Math.max(box.left, edge.left);
                    const height = Math.min(box.bottom, edge.bottom) - Math.max(box.top, edge.top);
                    if (width <= 0 || height <= 0 || width * height < box.width * box.height / 2) {
                        return false;
                    }
                }
                return true;
            };
            const name = (element) => element.name || element.id || element.outerHTML.slice(0, 60);
            for (const select of document.querySelectorAll('select')) {
                if (!shown(select)) continue;
                const box = select.getBoundingClientRect();
                if (box.height < 20 || box.width < 48) {
                    problems.push(`select ${name(select)} is ${box.width}x${box.height} px`);
                }
                const blank = [...select.options].filter(
                    (option) => !option.text.trim() && option.value !== ''
                );
                if (blank.length) problems.push(`select ${name(select)} has unlabelled options`);
                // The chosen option's text fits beside the arrow (a cut-off choice is unreadable).
                const chosen = select.options[select.selectedIndex];
                if (chosen && !select.multiple) {
                    const style = getComputedStyle(select);
                    const context = document.createElement('canvas').getContext('2d');
                    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                    const room = select.clientWidth - parseFloat(style.paddingLeft)
                        - parseFloat(style.paddingRight);
                    if (context.measureText(chosen.text.trim()).width > room + 1) {
                        problems.push(`select ${name(select)} cuts off "${chosen.text.trim()}"`);
                    }
                }
                if (!select.labels.length && !select.getAttribute('aria-label')) {
                    problems.push(`select ${name(select)} has no label`);
                }
            }
            for (const input of document.querySelectorAll(
                'input[type=checkbox], input[type=radio]'
            )) {
                if (!shown(input)) continue;
                const box = input.getBoundingClientRect();
                if (box.height < 12 || box.width < 12) {
                    problems.push(`${input.type} ${name(input)} is ${box.width}x${box.height} px`);
                }
                const labels = [...input.labels].filter(
                    (label) => shown(label) && label.innerText.trim() && onTop(label)
                );
                if (!labels.length) {
                    problems.push(`${input.type} ${name(input)} has no visible label`);
                }
            }
            return problems;
        }"""
    )
    assert not problems, f"{page.url}: " + "; ".join(problems)
