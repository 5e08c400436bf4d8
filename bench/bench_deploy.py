"""Deploy benchmark: ``gongkai deploy`` of a 10,000-item site to a local FTP server (pyftpdlib).

    python bench/bench_deploy.py [N]        (default: 10000)

Builds the generated site with its search index, deploys it to an empty FTP folder (cold), edits
one item, builds again and deploys again (one edit).  Prints seconds, files and bytes uploaded,
unchanged and deleted.  The FTP server runs in its own process, on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_build import reference_seconds
from corpus import generate

from generator import build_site
from generator.publish.deploy import deploy
from generator.publish.targets import PASSWORD_VAR

SERVER = """
import logging
import sys
logging.basicConfig(level=logging.WARNING)
logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
auth = DummyAuthorizer()
auth.add_user("bench", "bench-pw", sys.argv[1], perm="elradfmwMT")
handler = type("H", (FTPHandler,), {"authorizer": auth, "encoding": "utf-8"})
server = FTPServer(("127.0.0.1", 0), handler)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever(timeout=0.05)
"""


def main(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-deploy-") as tmp:
        site = generate(Path(tmp) / "site", count)
        home = Path(tmp) / "ftp"
        home.mkdir()
        server = subprocess.Popen([sys.executable, "-W", "ignore", "-c", SERVER, str(home)], stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        port = int(server.stdout.readline())
        os.environ[PASSWORD_VAR] = "bench-pw"
        to = f"ftp://bench@127.0.0.1:{port}/"
        try:
            start = time.perf_counter()
            build_site(site)
            print(f"N={count}: build with search {time.perf_counter() - start:.1f} s")
            cold = deploy(site / "build", to)
            print(f"  cold deploy:     {cold.seconds:7.1f} s  uploaded {len(cold.plan.uploads)} files ({cold.plan.upload_bytes / 1048576:.0f} MiB)")
            item = sorted((site / "content").rglob("*.md"))[count // 2]
            item.write_text(item.read_text(encoding="utf-8") + "\n本次修改了一段正文。\n", encoding="utf-8")
            start = time.perf_counter()
            build_site(site)
            print(f"  rebuild after one edit {time.perf_counter() - start:.1f} s")
            warm = deploy(site / "build", to)
            print(
                f"  one-edit deploy: {warm.seconds:7.1f} s  uploaded {len(warm.plan.uploads)} files ({warm.plan.upload_bytes / 1024:.0f} KiB), "
                f"unchanged {len(warm.plan.unchanged)}, deleted {len(warm.plan.deletions)}"
            )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    print(f"reference loop: {reference_seconds():.2f} s")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
    print(f"reference loop: {reference_seconds():.2f} s")
