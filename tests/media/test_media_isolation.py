"""The pipeline stands alone: importing and running it pulls in no Flask and no app code."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, tempfile
from PIL import Image
sys.path.insert(0, sys.argv[1])
import tourbuilder.media as media  # the real package: create_app imports Flask lazily
tmp = tempfile.mkdtemp()
Image.new("RGB", (64, 48), "red").save(tmp + "/p.png")
media.ingest(tmp + "/p.png", tmp + "/out").as_dict()
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "werkzeug", "sqlalchemy")
             or (m.startswith("tourbuilder.")
                 and not m.startswith(("tourbuilder.media", "tourbuilder.config"))))
print(bad)
"""


def test_media_imports_nothing_from_the_app():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
