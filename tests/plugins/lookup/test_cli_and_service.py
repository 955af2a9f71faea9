"""``sihao catalog import/export`` and the lookup's UI-free logic, on real stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.catalog import store
from core.catalog.formats import load_catalog
from core.runtime import Runtime
from plugins.lookup import service
from tests.conftest import make_runtime
from workstation.cli import main

SMALL = Path(__file__).resolve().parents[2] / "core" / "catalog" / "small_catalog.json"


def _cli(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


@pytest.fixture
def site(data_dir: Path) -> Path:
    rt = make_runtime(data_dir, plugins=["lookup"])
    rt.shutdown()
    return data_dir


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_import_then_export_round_trip(site: Path, tmp_path: Path, suffix: str) -> None:
    code, output = _cli(site, "catalog", "import", str(SMALL))
    assert code == 0, output
    assert "事项 6 项" in output
    out = tmp_path / f"export{suffix}"
    code, output = _cli(site, "catalog", "export", str(out))
    assert code == 0, output
    exported = load_catalog(out)
    assert sorted(i["code"] for i in exported.items) == sorted(
        i["code"] for i in load_catalog(SMALL).items
    )
    # The export imports back (the other format's reader) with nothing lost.
    code, output = _cli(site, "catalog", "import", str(out))
    assert code == 0, output
    assert load_catalog(out).to_json() == exported.to_json()


def test_bad_import_reports_every_row_and_changes_nothing(site: Path, tmp_path: Path) -> None:
    assert _cli(site, "catalog", "import", str(SMALL))[0] == 0
    raw = json.loads(SMALL.read_text(encoding="utf-8"))
    raw["items"][1]["code"] = raw["items"][0]["code"]
    raw["items"][2]["legal_days"] = "二十"
    raw["items"][3]["department"] = "nosuch"
    raw["items"] = raw["items"] + [{"code": "NEW-1", "name": "新事项"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    code, output = _cli(site, "catalog", "import", str(bad))
    assert code == 2
    assert "未导入" in output
    assert "items[2]" in output and "重复" in output
    assert "items[3]" in output and "legal_days" in output
    assert "items[4]" in output and "nosuch" in output
    assert "items[7]（NEW-1）" in output and "item_type" in output
    # GBK: refused with the encoding named.
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(SMALL.read_text(encoding="utf-8").encode("gbk"))
    code, output = _cli(site, "catalog", "import", str(gbk))
    assert code == 2 and "GBK" in output
    # The store still holds the good catalog, untouched.
    rt = make_runtime(site, plugins=["lookup"])
    try:
        assert store.count_items() == 6 and store.get_item("NEW-1") is None
    finally:
        rt.shutdown()


def test_hostile_files_are_refused_with_a_sentence_and_change_nothing(
    site: Path, tmp_path: Path
) -> None:
    """100,000 levels of nesting ended in a RecursionError traceback; a zip bomb took a
    minute and gigabytes. Both are refused at once, in a sentence, the catalog kept."""
    from tests.core.test_safefiles import zip_bomb_workbook

    assert _cli(site, "catalog", "import", str(SMALL))[0] == 0
    deep = tmp_path / "deep.json"
    deep.write_text('{"items": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    bomb = zip_bomb_workbook(tmp_path)
    for path, words in ((deep, "嵌套超过 200 层"), (bomb, "解压后的数据量远超正常工作簿")):
        result = CliRunner().invoke(main, ["--data-dir", str(site), "catalog", "import", str(path)])
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)  # not a RecursionError
        assert f"{path.name} 已被拒收" in result.output and words in result.output
        assert "未导入" in result.output and "Traceback" not in result.output
    rt = make_runtime(site, plugins=["lookup"])
    try:
        assert store.count_items() == 6
    finally:
        rt.shutdown()


def test_bundle_view_lists_shared_materials_once(lookup_runtime: Runtime) -> None:
    lookup_runtime.startup()
    bundle = store.get_bundle("yjs-kbqy")
    assert bundle is not None
    view = service.bundle_view(bundle)
    assert [i["code"] for i in view.items] == bundle["items"]
    keys = [m["key"] for i in view.items for m in i["materials"]]
    assert len(keys) > len(set(keys))  # the bundle really shares materials
    assert [m.key for m in view.materials] == list(dict.fromkeys(keys))
    shared = next(m for m in view.materials if keys.count(m.key) > 1)
    assert len(shared.items) >= 2


def test_nearest_point_walks_up_the_parent_chain(lookup_runtime: Runtime) -> None:
    lookup_runtime.startup()
    village = next(p for p in store.service_points() if p["level"] == "村社区")
    chain = service.chain(village["code"])
    assert [p["level"] for p in chain] == ["村社区", "镇街", "区县", "市"]
    # With no item the village point itself is the nearest.
    nearest = service.nearest_point(village["code"])
    assert nearest is not None and nearest.point["code"] == village["code"]
    # An item no point below the city lists goes to the first point up that does.
    item = next(i for i in store.iter_items() if not any(service.handles(p, i) for p in chain[:-1]))
    nearest = service.nearest_point(village["code"], item)
    assert nearest is not None and nearest.point["level"] == "市" and nearest.steps_up == 3
    # An item the town handles stops at the town.
    town_item = next(
        (
            i
            for i in store.iter_items()
            if service.handles(chain[1], i) and not service.handles(chain[0], i)
        ),
        None,
    )
    if town_item is not None:
        found = service.nearest_point(village["code"], town_item)
        assert found is not None and found.point["code"] == chain[1]["code"]
    assert service.find_places(village["village"])[0]["code"] == village["code"]
    assert service.find_places("！！") == []


def test_materials_for_a_situation_and_as_text(lookup_runtime: Runtime) -> None:
    lookup_runtime.startup()
    item = next(
        i
        for i in store.iter_items()
        if len(i["situations"]) >= 2 and any(m["situations"] for m in i["materials"])
    )
    first, second = item["situations"][0]["code"], item["situations"][1]["code"]
    only_first = service.materials(item, {first})
    assert all(
        not m.situations or item["situations"][0]["name"] in m.situations for m in only_first
    )
    assert len(service.materials(item, set())) == len(item["materials"])
    text = service.materials_text(item, {first, second})
    assert item["name"] in text and "请携带" in text


def test_demo_catalog_is_imported_once_in_demo_mode_only(data_dir: Path) -> None:
    rt = make_runtime(data_dir, plugins=["lookup"])
    try:
        rt.apply_policy()
        rt.config.mode = "production"
        rt.startup()
        assert store.is_empty()
        rt.config.mode = "demo"
        rt.startup()
        count = store.count_items()
        assert count >= 90
        item = next(store.iter_items())
        store.delete("catalog.item", item["code"])
        rt.startup()  # not empty: left alone
        assert store.count_items() == count - 1
    finally:
        rt.shutdown()
