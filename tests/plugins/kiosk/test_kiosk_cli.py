"""``sihao kiosk`` as IT runs it: a real subprocess on a real data directory."""

from __future__ import annotations

from pathlib import Path

from tests.plugins.kiosk.serve import demo_kiosk, kiosk_served
from tests.workstation.test_cli import sihao


def test_the_kiosk_is_there_only_where_the_site_enables_it(tmp_path: Path) -> None:
    # A machine with no site has no policy: the kiosk plugin, and its command, are off.
    result = sihao(tmp_path, "kiosk")
    assert result.returncode == 2
    assert "'kiosk'" in result.stderr


def test_rating_link_of_an_unknown_case_says_so(data_dir: Path) -> None:
    demo_kiosk(data_dir)
    result = sihao(data_dir, "kiosk", "rating-link", "370303202612079999")
    assert result.returncode == 2
    assert "本站没有办件 370303202612079999" in result.stderr


def test_rating_link_speaks_english_with_lang_en(data_dir: Path) -> None:
    demo_kiosk(data_dir)
    result = sihao(data_dir, "--lang", "en", "kiosk", "rating-link", "X1")
    assert result.returncode == 2
    assert "No case X1 at this site." in result.stderr


def test_serve_answers_the_kiosk_page(data_dir: Path) -> None:
    import urllib.request

    demo_kiosk(data_dir)
    with kiosk_served(data_dir) as url:
        page = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "四好 自助服务" in page and "textual.js" in page
