"""`ballata serve`: the live preview goes through the same gate as the build."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import copy_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_serve_previews_through_the_gate(tmp_path):
    root = copy_project(tmp_path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "ballata.cli", "serve", "--root", str(root),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                status, _ = fetch(base + "/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        status, html = fetch(base + "/stories/jalan-pulang/")
        assert status == 200 and "Jalan Pulang" in html
        assert fetch(base + "/stories/pulang-tanpa-dokumen/")[0] == 404
        assert fetch(base + "/en/stories/sekolah-di-ladang/")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=20)
