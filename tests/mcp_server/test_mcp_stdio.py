"""`vault mcp` as an assistant starts it: the installed `vault` command, a subprocess on stdio.

Also: without the SDK it says how to install it; `vault --help` and `vault due` never
import it (nor pydantic).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from tests.conftest import TODAY

VAULT = str(Path(sys.executable).with_name("vault"))
LAUNCH = "from vaultkit.cli.launch import main; main()"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _env() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("VAULTKIT_VAULT", "VAULTKIT_TODAY", "VAULTKIT_INDEX")
    }


def _options(vault: Path, tmp_path: Path) -> list[str]:
    return ["--vault", str(vault), "--index", str(tmp_path / "index.sqlite"), "--today", TODAY]


async def test_an_assistant_starts_it_and_calls_a_tool(example_vault: Path, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=VAULT, args=[*_options(example_vault, tmp_path), "mcp", "--allow-writes"], env=_env()
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        hello = await session.initialize()
        assert hello.server_info.name == "vaultkit"
        tools = {tool.name for tool in (await session.list_tools()).tools}
        assert {"due", "prepare_meeting", "log_interaction"} <= tools
        due = await session.call_tool("due", {})
        assert not due.is_error
        assert "Tunde Adeyemi" in [item["name"] for item in due.structured_content["due"]]
        logged = await session.call_tool(
            "log_interaction", {"names": "Tunde", "text": "lunch", "channel": "lunch"}
        )
        assert not logged.is_error, logged.content
    # What the assistant logged, `vault due` (another process, the same index) reflects.
    result = subprocess.run(
        [VAULT, *_options(example_vault, tmp_path), "due", "--json"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Tunde Adeyemi" not in [item["name"] for item in json.loads(result.stdout)["due"]]


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
"""The client's first request, as every test here sends it."""


def test_stdout_carries_only_protocol_lines(example_vault: Path, tmp_path: Path) -> None:
    # A broken note (reported on stderr or in answers, never on stdout) and a refused call.
    (example_vault / "People/Broken.md").write_bytes(b"---\ntags: [person\n---\n")
    requests = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "show_person", "arguments": {"name": "Zed"}},
        },
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "due", "arguments": {}}},
        {"jsonrpc": "2.0", "id": 5, "method": "resources/read", "params": {"uri": "vault://people/Broken"}},
    ]
    server = _popen(example_vault, tmp_path)
    answers = []
    for request in requests:
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        if "id" in request:  # wait for the answer, as a client does
            answers.append(json.loads(server.stdout.readline()))
    server.stdin.close()
    rest = server.stdout.read()
    server.wait(timeout=60)
    assert server.returncode == 0
    assert rest == ""
    assert [answer["id"] for answer in answers] == [1, 2, 3, 4, 5]
    assert all(answer["jsonrpc"] == "2.0" for answer in answers)
    assert answers[2]["result"]["isError"] is True
    assert "nobody called 'Zed' in the vault" in answers[2]["result"]["content"][0]["text"]
    problems = answers[3]["result"]["structuredContent"]["problems"]
    assert [p["path"] for p in problems] == ["People/Broken.md"]
    assert "People/Broken.md" in answers[4]["error"]["message"]


def test_it_ends_when_stdin_closes(example_vault: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [VAULT, *_options(example_vault, tmp_path), "mcp"],
        input="",
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "")


def _popen(vault: Path, tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    """`vault mcp` on stdio, its three streams piped."""
    server = subprocess.Popen(
        [VAULT, *_options(vault, tmp_path), "mcp", *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert server.stdin is not None and server.stdout is not None
    return server


def _started(vault: Path, tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    """`vault mcp` on stdio, initialized."""
    server = _popen(vault, tmp_path, *options)
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write(json.dumps(INITIALIZE) + "\n")
    server.stdin.flush()
    assert json.loads(server.stdout.readline())["id"] == 1
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    return server


def _call(server: subprocess.Popen[str], number: int, tool: str, arguments: dict[str, str]) -> None:
    assert server.stdin is not None
    request = {
        "jsonrpc": "2.0",
        "id": number,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }
    server.stdin.write(json.dumps(request) + "\n")
    server.stdin.flush()


@pytest.mark.parametrize("writes", [False, True])
def test_it_ends_when_stdin_closes_mid_request(example_vault: Path, tmp_path: Path, writes: bool) -> None:
    """A client that leaves while its requests run does not leave the server working for
    minutes (here each would wait 30 s for the index, which another process holds); a
    request that writes notes finishes first."""
    server = _started(example_vault, tmp_path, "--allow-writes")
    (example_vault / "People/New Person.md").write_text("# New Person\n", encoding="utf-8")
    holder = sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # each request's sync must wait to index the new note
    try:
        if writes:
            _call(server, 2, "log_interaction", {"names": "Tunde", "text": "said goodbye"})
        _call(server, 3, "due", {})
        time.sleep(0.5)  # the first request is waiting for the index
        assert server.stdin is not None and server.stdout is not None
        server.stdin.close()
        if writes:
            time.sleep(1)
            assert server.poll() is None  # the write waits for the index, then is done
            holder.rollback()
        assert server.wait(timeout=10) == 0
        assert server.stdout.read() == ""
        tunde = (example_vault / "People/Tunde Adeyemi.md").read_text(encoding="utf-8")
        assert ("said goodbye" in tunde) is writes
    finally:
        holder.rollback()
        holder.close()
        if server.poll() is None:
            server.kill()
            server.wait()


def test_a_refused_resource_list_is_one_line_and_no_traceback(example_vault: Path, tmp_path: Path) -> None:
    server = _started(example_vault, tmp_path)
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    example_vault.rename(tmp_path / "moved")
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "resources/list"}) + "\n")
    server.stdin.flush()
    error = json.loads(server.stdout.readline())["error"]
    assert (
        error["message"]
        == f"--vault {example_vault} is no folder: there is nothing there; give the folder of a vault"
    )
    server.stdin.close()
    assert server.wait(timeout=60) == 0
    assert server.stderr.read() == ""


def test_outside_a_vault_it_fails_before_serving(tmp_path: Path) -> None:
    result = subprocess.run(
        [VAULT, "--vault", str(tmp_path / "nowhere"), "mcp"],
        input="",
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "nowhere" in result.stderr


def test_without_the_extra_it_says_how_to_install_it(example_vault: Path, tmp_path: Path) -> None:
    # `sys.modules["mcp"] = None` makes `import mcp` fail as it does when it is not installed.
    script = f"import sys; sys.modules['mcp'] = None; {LAUNCH}"
    result = subprocess.run(
        [sys.executable, "-c", script, *_options(example_vault, tmp_path), "mcp"],
        input="",
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr
        == "vault: `vault mcp` needs the MCP SDK, an optional extra: pip install 'vaultkit[mcp]'\n"
    )


@pytest.mark.parametrize("command", [["--help"], ["due"], ["due", "--json"], ["mcp", "--help"]])
def test_start_up_never_imports_the_sdk(command: list[str], example_vault: Path, tmp_path: Path) -> None:
    # -X importtime names every module the process imports, on stderr.
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LAUNCH, *_options(example_vault, tmp_path), *command],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {
        line.rpartition("|")[2].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "vaultkit" in imported and "typer" in imported
    assert (
        imported & {"mcp", "mcp_types", "pydantic", "pydantic_core", "starlette", "anyio", "httpx"} == set()
    )
