"""The pipeline stands alone: importing and running it pulls in no Flask and no app code."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, types, tempfile
from PIL import Image
# Stand in for the tourbuilder package so its app __init__ (Flask) is not run.
package = types.ModuleType("tourbuilder")
package.__path__ = [sys.argv[1] + "/tourbuilder"]
sys.modules["tourbuilder"] = package
import tourbuilder.media as media
tmp = tempfile.mkdtemp()
Image.new("RGB", (64, 48), "red").save(tmp + "/p.png")
media.ingest(tmp + "/p.png", tmp + "/out").as_dict()
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "werkzeug", "sqlalchemy")
             or (m.startswith("tourbuilder.") and not m.startswith("tourbuilder.media")))
print(bad)
"""


def test_media_imports_nothing_from_the_app():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
