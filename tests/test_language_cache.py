"""The cached form of py3langid's model: same answers as py3langid's own loader, used by the next
process, and never a reason for detection to fail (corrupt cache, unwritable folder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from py3langid import langid

from harvester.extraction import langid_cache

TEXTS = [
    "The government said on Wednesday that the new rules for building homes would take effect in spring.",
    "Die Regierung teilte am Mittwoch mit, dass die neuen Regeln für den Wohnungsbau im Frühjahr gelten.",
    "Le gouvernement a annoncé mercredi que les nouvelles règles de construction entreraient en vigueur.",
    "El gobierno anunció el miércoles que las nuevas normas de construcción entrarán en vigor en primavera.",
    "Правительство заявило в среду, что новые правила строительства жилья вступят в силу весной.",
    "政府は水曜日、住宅建設の新しい規則が春に施行されると発表した。関係者によると詳細は来週公表される予定で、地方自治体や建設業界からは準備期間が短すぎるとの声も上がっている。",
    "قالت الحكومة يوم الأربعاء إن القواعد الجديدة لبناء المساكن ستدخل حيز التنفيذ في الربيع المقبل.",
    "Vláda ve středu oznámila, že nová pravidla pro výstavbu bytů vstoupí v platnost na jaře příštího roku.",
]

# Run in a fresh interpreter: records which model files it opens (an audit hook, no timing), then
# prints where the identifier came from and its answers.
CHILD = r"""
import json, os, sys
opened = []
def record(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.fsdecode(args[0]))
sys.addaudithook(record)
from harvester.extraction import language, langid_cache
texts = json.loads(sys.stdin.read())
answers = [list(language._classify()(t)) for t in texts]
codes = [language.detect_language(t) for t in texts]
print(json.dumps({
    "loaded_from": langid_cache.loaded_from,
    "xz_opened": any(p.endswith("model.npz.xz") for p in opened),
    "npy_opened": sorted({p.rsplit("/", 1)[-1] for p in opened if p.endswith(".npy")}),
    "answers": answers,
    "codes": codes,
}))
"""


@pytest.fixture(scope="module")
def reference() -> langid.LanguageIdentifier:
    """py3langid's identifier loaded by py3langid itself, as ``py3langid.classify`` does."""
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)


@pytest.fixture(scope="module")
def expected(reference: langid.LanguageIdentifier) -> list[list[Any]]:
    return [list(reference.classify(t)) for t in TEXTS]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(langid_cache.CACHE_ENV, str(root))
    return root


@pytest.fixture(scope="module")
def valid_cache(tmp_path_factory: pytest.TempPathFactory, reference: langid.LanguageIdentifier) -> Path:
    """A valid cache folder for this environment's model, written once for the module's tests."""
    identity = langid_cache._model_identity(langid_cache.model_path())
    folder = tmp_path_factory.mktemp("template") / "langid" / "key"
    langid_cache.write_cache(folder, identity, reference)
    return folder


def _folder() -> Path:
    return langid_cache._cache_folder(langid_cache._model_identity(langid_cache.model_path()))


def _answers(identifier: langid.LanguageIdentifier) -> list[list[Any]]:
    return [list(identifier.classify(t)) for t in TEXTS]


def _child(env_cache: Path) -> dict[str, Any]:
    env = {**os.environ, langid_cache.CACHE_ENV: str(env_cache)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(TEXTS), env=env,
        capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(done.stdout)


def test_first_process_writes_the_cache_and_the_next_reads_it_instead_of_the_model(
    cache_dir: Path, expected: list[list[Any]]
) -> None:
    first = _child(cache_dir)
    assert first["loaded_from"] == "model" and first["xz_opened"] and first["npy_opened"] == []
    assert first["answers"] == expected
    folder = _folder()
    assert sorted(p.name for p in folder.iterdir()) == sorted([*(f"{n}.npy" for n in langid_cache.ARRAYS), "manifest.json"])

    second = _child(cache_dir)
    assert second["loaded_from"] == "cache"
    assert not second["xz_opened"], "the second process must not read py3langid's compressed model"
    assert second["npy_opened"] == sorted(f"{n}.npy" for n in langid_cache.ARRAYS)
    assert second["answers"] == expected  # code and score, bit for bit
    assert second["codes"] == first["codes"] == [a[0] for a in expected]


def test_cached_identifier_answers_exactly_as_py3langid(cache_dir: Path, expected: list[list[Any]]) -> None:
    written = langid_cache.load_identifier()
    assert langid_cache.loaded_from == "model"
    read = langid_cache.load_identifier()
    assert langid_cache.loaded_from == "cache"
    assert _answers(written) == _answers(read) == expected
    assert [c for c, _ in expected] == ["en", "de", "fr", "es", "ru", "ja", "ar", "cs"]
    assert type(read.tk_nextmove) is type(written.tk_nextmove) and read.tk_nextmove.typecode == written.tk_nextmove.typecode
    assert read.tk_row.typecode == written.tk_row.typecode and type(read.tk_output) is list
    assert read.rank(TEXTS[2]) == written.rank(TEXTS[2])


def _truncate_ptc(folder: Path) -> None:
    path = folder / "ptc.npy"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_bytes(b"\x00{not json")


def _zero_ptc_table(folder: Path) -> None:
    """Same size, valid header: only the self-check can tell."""
    data = np.load(folder / "ptc.npy", mmap_mode="r+")
    data[:] = 0
    data.flush()
    del data


def _dfa_out_of_range(folder: Path) -> None:
    """Same size, valid header, but classifying would index past the state table."""
    data = np.load(folder / "nextmove.npy", mmap_mode="r+")
    data[-1] = np.iinfo(data.dtype).max
    data.flush()
    del data


def _garbage_npy_header(folder: Path) -> None:
    path = folder / "nextmove.npy"
    with path.open("r+b") as f:
        f.write(b"garbage!")


def _missing_array(folder: Path) -> None:
    (folder / "out_feat.npy").unlink()


@pytest.mark.parametrize(
    "damage", [_truncate_ptc, _garbage_manifest, _zero_ptc_table, _dfa_out_of_range, _garbage_npy_header, _missing_array]
)
def test_a_corrupt_cache_is_refused(tmp_path: Path, valid_cache: Path, damage: Any) -> None:
    folder = tmp_path / "key"
    shutil.copytree(valid_cache, folder)
    identity = langid_cache._model_identity(langid_cache.model_path())
    assert langid_cache.read_cache(folder, identity) is not None
    damage(folder)
    with pytest.raises(Exception):  # noqa: B017 - any error: load_identifier falls back on every one
        langid_cache.read_cache(folder, identity)


def test_a_refused_cache_falls_back_to_py3langid_and_is_rewritten(
    cache_dir: Path, valid_cache: Path, expected: list[list[Any]]
) -> None:
    """What any refused cache means (each kind of damage above is refused the same way, one is run
    here end to end: a table of zeros, which only the self-check can tell)."""
    folder = _folder()
    shutil.copytree(valid_cache, folder)
    _zero_ptc_table(folder)

    identifier = langid_cache.load_identifier()
    assert langid_cache.loaded_from == "model"
    assert _answers(identifier) == expected

    repaired = langid_cache.load_identifier()  # the fallback wrote a good cache over the bad one
    assert langid_cache.loaded_from == "cache" and _answers(repaired) == expected


def test_cache_for_another_model_is_not_used(cache_dir: Path, valid_cache: Path, expected: list[list[Any]]) -> None:
    folder = _folder()
    shutil.copytree(valid_cache, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"]["mtime_ns"] += 1  # as if py3langid had been reinstalled since
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _answers(langid_cache.load_identifier()) == expected and langid_cache.loaded_from == "model"


def test_uncreatable_cache_folder_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: list[list[Any]]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(langid_cache.CACHE_ENV, str(blocker / "cache"))
    assert _answers(langid_cache.load_identifier()) == expected
    assert langid_cache.loaded_from == "model" and blocker.read_text(encoding="utf-8") == "not a folder"


def test_writing_leaves_no_temporary_files_and_prunes_only_this_install(
    cache_dir: Path, reference: langid.LanguageIdentifier
) -> None:
    identity = langid_cache._model_identity(langid_cache.model_path())
    parent = _folder().parent
    for name, path in (("py3langid-old", identity["path"]), ("py3langid-other-venv", "/elsewhere/model.npz.xz")):
        (parent / name).mkdir(parents=True)
        (parent / name / "manifest.json").write_text(json.dumps({"model": {**identity, "path": path, "size": 1}}))
    langid_cache.write_cache(_folder(), identity, reference)
    assert sorted(p.name for p in parent.iterdir()) == sorted(["py3langid-other-venv", _folder().name])
    assert not [p for p in _folder().iterdir() if p.name.endswith(".tmp")]


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(langid_cache.CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert langid_cache.cache_root() == tmp_path / "home" / ".cache" / "harvester"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert langid_cache.cache_root() == tmp_path / "home" / ".cache" / "harvester"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert langid_cache.cache_root() == tmp_path / "xdg" / "harvester"
    monkeypatch.setenv(langid_cache.CACHE_ENV, str(tmp_path / "mine"))
    assert langid_cache.cache_root() == tmp_path / "mine"
