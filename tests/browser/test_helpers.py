"""The browser checks themselves: each catches the defect it is for (a check that passes on a
broken page would let the next landing-space box through)."""

import pytest

from tests.browser.helpers import assert_choices_visible, assert_one_language

PAGE = (
    """<!doctype html><html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>"""
)


def show(page, body: str, lang: str = "zh-Hans") -> None:
    page.set_content(PAGE.format(lang=lang, body=body))


def test_a_usable_form_passes(page):
    show(
        page,
        '<label for="a">设施类型</label><select id="a" style="width:20rem;min-height:2rem">'
        '<option value="x" selected>养老服务设施</option></select>'
        '<input type="checkbox" id="b"><label for="b">金山社区闲置用房</label>',
    )
    assert_choices_visible(page)


def test_a_choice_list_drawn_as_one_tiny_box_is_caught(page):
    # The landing-space defect: the class of a single check box on the list's wrapper.
    show(
        page,
        '<div style="width:18px;height:16px;overflow:hidden">'
        '<input type="checkbox" id="s1"><label for="s1">金山社区闲置用房</label></div>',
    )
    with pytest.raises(AssertionError, match="no visible label|px"):
        assert_choices_visible(page)


def test_a_select_that_cuts_off_its_choice_is_caught(page):
    show(
        page,
        '<label for="a">Facility type</label><select id="a" style="width:5rem">'
        '<option value="x" selected>Elderly care facility</option></select>',
        lang="en",
    )
    with pytest.raises(AssertionError, match="cuts off"):
        assert_choices_visible(page)


def test_an_unlabelled_select_is_caught(page):
    show(page, '<select style="width:10rem"><option value="1">一</option></select>')
    with pytest.raises(AssertionError, match="no label"):
        assert_choices_visible(page)


def test_the_other_language_is_caught_but_proper_names_and_marked_text_pass(page):
    body = '<p>Plan “金山社区养老” paid <span lang="zh-Hans">人民币伍拾柒万元整</span></p>'
    show(page, body, lang="en")
    assert_one_language(page, "en", allowed=("金山社区养老",))
    with pytest.raises(AssertionError, match="金山社区养老"):
        assert_one_language(page, "en")
    show(page, "<p>方案已提交 Submitted，编号 CXBDB-2024-3</p>")
    with pytest.raises(AssertionError, match="Submitted"):
        assert_one_language(page, "zh-hans")
