"""A fast-loading copy of py3langid's bundled model.

py3langid loads its model from an LZMA-compressed npz (``py3langid/data/model.npz.xz``): about
0.8 s of CPU, paid by every extraction worker that detects a language. The first process to load it
also writes the model's arrays uncompressed, one ``.npy`` file each, to a cache folder; later
processes build the identifier from those files instead (the naive Bayes table is memory-mapped, so
workers share its pages through the OS page cache), about 0.05 s.

The identifier is built with ``py3langid.langid.LanguageIdentifier`` from the same arrays, of the
same types, that ``LanguageIdentifier.from_model_file`` passes it, so answers are bit-identical.
The cache folder is ``HARVESTER_CACHE_DIR``, else ``$XDG_CACHE_HOME/harvester``, else
``~/.cache/harvester``; inside, ``langid/<key>/`` where the key names py3langid's version and the
bundled model file's size and modification time. Each file is written to a temporary file in the
same folder and renamed into place, the manifest last, so a reader never sees half a cache; a cache
that is missing, unreadable, corrupt or inconsistent, or a folder that cannot be written, only
means py3langid's own loader is used (logged at debug level).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from array import array
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO, Callable

import numpy as np
import py3langid
from py3langid import langid

log = logging.getLogger(__name__)

CACHE_ENV = "HARVESTER_CACHE_DIR"
FORMAT = 1
"""Bumped when the cache's layout changes (old caches are then ignored)."""
MANIFEST = "manifest.json"
ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
CHECK_TEXTS = (
    "The committee will publish its findings next week, after hearing from the ministers involved.",
    "Die Regierung hat am Mittwoch neue Regeln für den Wohnungsbau in den großen Städten beschlossen.",
    "Министр заявил, что новые правила вступят в силу в начале следующего года после обсуждения.",
    "政府は来週、新しい住宅政策の詳細を発表する予定だと関係者が明らかにした。",
)
"""Classified when the cache is written and again when it is read: the answers must be equal."""

loaded_from: str | None = None
"""Where this process's identifier came from: "cache", "model" (py3langid's loader), or None yet."""


def cache_root() -> Path:
    """Harvester's cache folder: ``HARVESTER_CACHE_DIR``, else ``$XDG_CACHE_HOME/harvester``, else
    ``~/.cache/harvester``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is to be ignored
        return Path(xdg) / "harvester"
    return Path.home() / ".cache" / "harvester"


def model_path() -> Path:
    """py3langid's bundled model file (what ``py3langid.classify`` loads)."""
    return Path(langid.MODEL_DIR) / langid.MODEL_FILE


def _model_identity(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {
        "py3langid": str(getattr(py3langid, "__version__", "unknown")),
        "path": str(path),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
    }


def _cache_folder(identity: dict[str, Any]) -> Path:
    key = f"py3langid-{identity['py3langid']}-{identity['size']}-{identity['mtime_ns']}"
    return cache_root() / "langid" / key


def load_identifier() -> langid.LanguageIdentifier:
    """py3langid's identifier for its bundled model, from the cache when a valid one exists; else
    from py3langid's own loader, then written to the cache for the next process."""
    global loaded_from
    folder: Path | None = None
    identity: dict[str, Any] | None = None
    identifier = None
    try:
        identity = _model_identity(model_path())
        folder = _cache_folder(identity)
        identifier = read_cache(folder, identity)
    except Exception as exc:  # noqa: BLE001 - any unreadable cache: py3langid's own loader instead
        log.debug("language model cache not used: %s: %s", type(exc).__name__, exc)
    if identifier is not None:
        loaded_from = "cache"
    else:
        identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
        loaded_from = "model"
        if folder is not None and identity is not None:
            try:
                write_cache(folder, identity, identifier)
            except Exception as exc:  # noqa: BLE001 - a cache that cannot be written is only slower
                log.debug("language model cache not written to %s: %s: %s", folder, type(exc).__name__, exc)
    if langid.IDENTIFIER is None:  # py3langid.classify() elsewhere in the process shares it
        langid.IDENTIFIER = identifier
    return identifier


def read_cache(folder: Path, identity: dict[str, Any]) -> langid.LanguageIdentifier | None:
    """The identifier from a cache folder; None when there is none; an exception when it is invalid."""
    manifest_file = folder / MANIFEST
    if not manifest_file.exists():
        return None
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("model") != identity:
        raise ValueError("the manifest is for another model or format")
    arrays: dict[str, np.ndarray] = {}
    for name in ARRAYS:
        spec = manifest["arrays"][name]
        path = folder / f"{name}.npy"
        if path.stat().st_size != spec["bytes"]:
            raise ValueError(f"{path.name}: {path.stat().st_size} bytes, the manifest says {spec['bytes']}")
        data = np.load(path, mmap_mode="r", allow_pickle=False)
        if data.dtype.str != spec["dtype"] or list(data.shape) != spec["shape"]:
            raise ValueError(f"{path.name}: {data.dtype.str} {data.shape}, the manifest says otherwise")
        arrays[name] = data
    _check_bounds(arrays)
    codes = manifest["typecodes"]
    identifier = langid.LanguageIdentifier(
        np.asarray(arrays["ptc"]),  # stays memory-mapped: shared between processes by the page cache
        np.array(arrays["pc"]),
        arrays["classes"].tolist(),
        _to_array(arrays["nextmove"], codes["nextmove"]),
        arrays["out_feat"].tolist(),
        tk_row=_to_array(arrays["nextmove_row"], codes["nextmove_row"]),
    )
    answers = [list(identifier.classify(text)) for text in manifest["check"]["texts"]]
    if answers != manifest["check"]["answers"]:
        raise ValueError("the cached model answers differently from the model it was written from")
    return identifier


def _check_bounds(arrays: dict[str, np.ndarray]) -> None:
    """The arrays fit together, so that classifying any text cannot index out of range."""
    ptc, pc, classes = arrays["ptc"], arrays["pc"], arrays["classes"]
    nextmove, rows, out = arrays["nextmove"], arrays["nextmove_row"], arrays["out_feat"]
    if ptc.ndim != 2 or ptc.shape[1] != len(pc) or len(pc) != len(classes) or len(rows) != len(out):
        raise ValueError("the arrays' shapes do not fit together")
    if not len(nextmove) or len(nextmove) % 256 or not len(rows):
        raise ValueError("the state machine is not made of 256-entry rows")
    if int(nextmove.max()) >= len(rows) or int(rows.max()) >= len(nextmove) // 256:
        raise ValueError("the state machine points past its end")
    if int(out.max()) >= ptc.shape[0]:
        raise ValueError("a state's feature is past the table's end")


def _to_array(data: np.ndarray, typecode: str) -> array[int]:
    """The stdlib array py3langid's loader makes of an unsigned integer array (``modelio._to_array``)."""
    out = array(typecode)
    if out.itemsize != data.dtype.itemsize:
        raise ValueError(f"array typecode {typecode!r} does not fit {data.dtype}")
    out.frombytes(memoryview(np.ascontiguousarray(data)).cast("B"))
    return out


def write_cache(folder: Path, identity: dict[str, Any], identifier: langid.LanguageIdentifier) -> None:
    """Writes ``identifier``'s arrays (freshly loaded by py3langid) to ``folder``, the manifest last."""
    folder.mkdir(parents=True, exist_ok=True)
    nextmove, rows = identifier.tk_nextmove, identifier.tk_row
    arrays = {
        "ptc": np.asarray(identifier.nb_ptc),
        "pc": np.asarray(identifier.nb_pc),
        "classes": np.array(identifier.nb_classes),
        "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
        "nextmove_row": np.frombuffer(rows, dtype=f"u{rows.itemsize}"),
        "out_feat": np.asarray(identifier.tk_output, dtype=np.int32),
    }
    specs = {}
    for name, data in arrays.items():
        path = folder / f"{name}.npy"
        _write_atomically(path, lambda f, data=data: np.save(f, data, allow_pickle=False))
        specs[name] = {"dtype": data.dtype.str, "shape": list(data.shape), "bytes": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "model": identity,
        "arrays": specs,
        "typecodes": {"nextmove": nextmove.typecode, "nextmove_row": rows.typecode},
        "check": {"texts": list(CHECK_TEXTS), "answers": [list(identifier.classify(t)) for t in CHECK_TEXTS]},
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
    _write_atomically(folder / MANIFEST, lambda f: f.write(text))
    _prune(folder, identity)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write(file)`` to a temporary file next to ``path``, flushed to disk, then renamed to it."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o644)  # mkstemp's 0600 would hide the cache from a shared folder's other users
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


STALE_TEMP_SECONDS = 3600
"""A temporary file this old was left by a writer that was killed: removed by the next writer."""


def _prune(folder: Path, identity: dict[str, Any]) -> None:
    """Removes the caches of earlier installs of the same model file (same path, another size or
    time), other environments' caches left alone, and temporary files left by killed writers."""
    for temp in folder.glob(".*.tmp"):
        with suppress(OSError):
            if time.time() - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                temp.unlink()
    for other in folder.parent.glob("py3langid-*"):
        if other == folder:
            continue
        try:
            manifest = json.loads((other / MANIFEST).read_text(encoding="utf-8"))
            same_file = manifest["model"]["path"] == identity["path"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if same_file:
            shutil.rmtree(other, ignore_errors=True)
