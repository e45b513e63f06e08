"""Memory and time of reading the archive bombs of issue 12, on this machine.

    .venv/bin/python benchmarks/bench_archives.py            # both bombs
    .venv/bin/python benchmarks/bench_archives.py docx       # one of them

Each bomb (tests/hostile/bombs.py) is read in a fresh Python process, the way an upload
is read: ``evidence.identify`` for the .docx whose ``[Content_Types].xml`` unpacks to
400 MB (``docx``), ``workbook_read.read`` for the workbook whose shared strings unpack to
190 MB (``workbook``). ``limit`` is no bomb but the costliest workbook still read:
16 MB (the part limit, less a little) of short shared strings that all differ, which
compress only a few times. The process's peak resident memory (``ru_maxrss``) is
printed before and after, with the wall time and the start of the answer. No database.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOMBS = ("docx", "workbook", "limit")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmaprogress.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: str) -> None:
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects import evidence
    from projects.imports import workbook_read

    data = Path(path).read_bytes()
    before = peak_mb()
    start = time.perf_counter()
    if kind == "docx":
        try:
            answer = f"accepted as {evidence.identify(SimpleUploadedFile('bomb.docx', data)).label}"
        except evidence.EvidenceRejected as refused:
            answer = f"refused: {refused}"
    else:  # a workbook
        result = workbook_read.read(data, agency_code="01000000", fiscal_year_be=2564)
        answer = f"problems: {[str(p) for p in result.problems][:1]}" if result.problems else "read"
    seconds = time.perf_counter() - start
    print(
        f"{kind:<9} {len(data) / 1024:7.0f} KB  peak RSS {before:6.0f} -> {peak_mb():6.0f} MB"
        f"  {seconds:8.3f} s  {answer[:150]}",
        flush=True,
    )


def build(kind: str, path: str) -> None:
    setup_django()
    from tests.hostile import bombs

    make = {
        "docx": bombs.docx_bomb,
        "workbook": bombs.shared_strings_bomb,
        "limit": lambda: bombs.distinct_shared_strings(16 * 1024 * 1024 - 4096),
    }[kind]
    Path(path).write_bytes(make())


def main(kinds) -> None:
    # Each bomb is built in a process of its own and read in another: Linux keeps a
    # process's peak memory across exec, so the reader must not be born of the builder.
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            path = str(Path(folder) / kind)
            subprocess.run([sys.executable, __file__, "--build", kind, path], check=True)
            subprocess.run([sys.executable, __file__, "--child", kind, path], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--build"]:
        build(sys.argv[2], sys.argv[3])
    else:
        main([kind for kind in BOMBS if kind in sys.argv[1:]] or BOMBS)
