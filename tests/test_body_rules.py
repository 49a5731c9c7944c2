"""Body mechanisms that drop or add real paragraphs: quoted speech, the lead, captions."""

from __future__ import annotations

import pytest

from harvester.extraction import Article, extract
from harvester.extraction.textrules import is_cross_link

LONG = " ".join(["Sentence with several plain words in it."] * 8)


@pytest.mark.parametrize(("text", "link"), [
    ("» Neue Regeln für Mieter", True),
    ("Lesen Sie auch: Neue Regeln für Mieter", True),
    ("»Jeg er opvokset i Aarhus centrum, i Skolegade. Dengang var byen fyldt med skæve eksistenser.«", False),
    ("»Det er en ret for franskmænd – ikke for jer.«", False),
    ("» " + " ".join(["ord"] * 30), False),
])
def test_quoted_speech_is_not_a_cross_link(text: str, link: bool) -> None:
    assert is_cross_link(text) is link


def extracted(body: str, head: str = "") -> Article:
    html = f"<html lang='en'><head>{head}</head><body>{body}</body></html>"
    result = extract(html, "https://news.example.com/story")
    assert isinstance(result, Article), result
    return result


def test_lead_in_a_camel_case_dek_class_is_kept_first() -> None:
    dek = "Engineers might be able to protect Arctic ice by coating it with tiny glass bubbles."
    body = (f"<main><h1>A heat shield for ice</h1><div class='BaseText-x SplitScreenContentHeaderDek-abc'>{dek}</div>"
            f"<div class='body'><p>{LONG}</p><p>{LONG}</p></div></main>")
    assert extracted(body).body[0] == dek


def test_a_caption_is_never_the_lead() -> None:
    caption = "A mother and her children sell bread at a market on Tuesday. (AP Photo/Marco Ugarte)"
    head = f"<meta name='description' content='{caption}'>"
    body = (f"<main><h1>Economy grew</h1><div class='media'><div class='embed-caption'>{caption}</div></div>"
            f"<div class='body'><p>{LONG}</p><p>{LONG}</p></div></main>")
    assert caption not in extracted(body, head).body



def test_a_page_state_class_on_the_wrapper_of_title_and_lead_does_not_hide_the_lead() -> None:
    import lxml.html

    from harvester.extraction.lead import find_lead

    dek = "Engineers might be able to protect Arctic ice by coating it with tiny glass bubbles."
    root = lxml.html.document_fromstring(
        f"<html><body><div class='page page-hero-ad-hidden'><main><header><h1>A heat shield for ice</h1>"
        f"<div class='ContentHeaderDek-abc'>{dek}</div></header>"
        f"<div class='body'><p>{LONG}</p></div></main></div><div class='ad-box'><p class='dek'>{dek} Buy now.</p></div>"
        f"</body></html>")
    body = root.find("body")
    h1 = root.find(".//h1")
    assert find_lead(body, h1, LONG, None, set()) == dek
