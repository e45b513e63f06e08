"""Uploaded files waiting between an import's preview and its confirmation (issue 8).

No model: a batch is a folder ``MEDIA_ROOT/imports/<random hex>/`` holding the files'
bytes (as ``0``, ``1``, …), ``meta.json`` (their original names and hashes, the kind
of import, the owner, when) and, when the upload read them, ``rows.json``: what was
read from the files (JSON, never pickle), so that the preview and the confirmation do
not parse them again (issue 12). The browser only gets a signed token naming the
folder, the owner, the kind, the parameters (agency, fiscal year) and a hash of names,
bytes and rows. Loading checks the signature, the age, the owner, the kind and the
hash, so a token cannot be replayed by somebody else, changed to another agency, or
point at files or rows changed on disk. Confirmation re-checks what was uploaded
against the database as it is then; the client never sends the data back.

Batches older than ``settings.BMA_IMPORT_BATCH_MAX_AGE`` are removed by ``cleanup``
(run at every upload, and by ``manage.py cleanup_imports``).

How many files an upload takes and how big is bounded while the request is read
(projects/uploads.py): a 50 MB file arrives as a ``RefusedUpload`` saying how big it was,
so it gets a clear message instead of filling memory or disk.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

# The module's name before it moved into projects/imports/: changing the salt would turn
# away every token handed out before a deploy.
SALT = "projects.import_uploads"
ROWS = "rows.json"
_BATCH_ID = re.compile(r"^[0-9a-f]{32}$")


class BatchError(Exception):
    """The token or the stored batch cannot be used: the message says why, in Thai."""


@dataclass(frozen=True)
class Batch:
    id: str
    kind: str
    user_id: int
    params: dict
    files: list[tuple[str, bytes]]
    created_at: float
    # What the upload read from the files (see ``store``), or None.
    rows: dict | None = None

    @property
    def names(self) -> list[str]:
        return [name for name, _data in self.files]


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def max_age() -> int:
    return settings.BMA_IMPORT_BATCH_MAX_AGE


def _fingerprint(files: list[tuple[str, bytes]], rows: bytes | None = None) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(hashlib.sha256(name.encode("utf-8", "replace")).digest())
        digest.update(hashlib.sha256(data).digest())
    if rows is not None:
        digest.update(b"rows" + hashlib.sha256(rows).digest())
    return digest.hexdigest()


def store(
    *,
    user,
    kind: str,
    files: list[tuple[str, bytes]],
    params: dict | None = None,
    rows: dict | None = None,
) -> str:
    """Keep ``files`` (name, bytes) for ``user`` and return the signed token of the batch.
    ``rows``: what was read from the files (JSON-serialisable), kept beside them."""
    cleanup()
    batch_id = secrets.token_hex(16)
    folder = root() / batch_id
    folder.mkdir(parents=True, exist_ok=False)
    for index, (_name, data) in enumerate(files):
        (folder / str(index)).write_bytes(data)
    kept = None
    if rows is not None:
        kept = json.dumps(rows, ensure_ascii=False).encode("utf-8")
        (folder / ROWS).write_bytes(kept)
    meta = {
        "kind": kind,
        "user": user.pk,
        "created_at": time.time(),
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        ],
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    payload = {
        "b": batch_id,
        "u": user.pk,
        "k": kind,
        "p": params or {},
        "h": _fingerprint(files, kept),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def load(token: str, *, user, kind: str) -> Batch:
    """The batch of ``token`` if it is ``user``'s, of ``kind``, not expired and unchanged."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise BatchError(
            _("ไฟล์ที่อัปโหลดไว้หมดอายุแล้ว (เก็บไว้ %(minutes)s นาที) กรุณาอัปโหลดใหม่")
            % {"minutes": max_age() // 60}
        ) from None
    except signing.BadSignature:
        raise BatchError(_("ลิงก์นำเข้านี้ไม่ถูกต้อง กรุณาอัปโหลดไฟล์ใหม่")) from None
    if not isinstance(payload, dict) or payload.get("u") != user.pk or payload.get("k") != kind:
        raise BatchError(_("ไฟล์ชุดนี้ไม่ได้อัปโหลดโดยผู้ใช้นี้ หรือไม่ใช่การนำเข้าประเภทนี้"))
    batch_id = str(payload.get("b", ""))
    folder = root() / batch_id
    if not _BATCH_ID.match(batch_id) or not (folder / "meta.json").is_file():
        raise BatchError(_("ไม่พบไฟล์ที่อัปโหลดไว้ อาจนำเข้าไปแล้วหรือหมดอายุและถูกลบ กรุณาอัปโหลดใหม่"))
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        files = [
            (item["name"], (folder / str(index)).read_bytes())
            for index, item in enumerate(meta["files"])
        ]
        kept = (folder / ROWS).read_bytes() if (folder / ROWS).is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        raise BatchError(_("ไฟล์ที่อัปโหลดไว้เสียหาย กรุณาอัปโหลดใหม่")) from None
    if _fingerprint(files, kept) != payload.get("h"):
        raise BatchError(_("ไฟล์ที่เก็บไว้ไม่ตรงกับที่อัปโหลด กรุณาอัปโหลดใหม่"))
    try:
        rows = None if kept is None else json.loads(kept)
    except ValueError:
        raise BatchError(_("ไฟล์ที่อัปโหลดไว้เสียหาย กรุณาอัปโหลดใหม่")) from None
    return Batch(
        id=batch_id,
        kind=kind,
        user_id=user.pk,
        params=payload.get("p") or {},
        files=files,
        created_at=float(meta.get("created_at", 0)),
        rows=rows,
    )


def discard(batch: Batch) -> None:
    shutil.rmtree(root() / batch.id, ignore_errors=True)


def cleanup(*, now: float | None = None) -> int:
    """Remove batches older than the maximum age; returns how many were removed."""
    folder = root()
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - max_age()
    removed = 0
    for child in folder.iterdir():
        try:
            if child.is_dir() and _BATCH_ID.match(child.name) and child.stat().st_mtime < limit:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
