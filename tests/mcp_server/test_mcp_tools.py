"""`vault mcp` in-process: the SDK's own client against the server over the example vault.

Every tool, resource and prompt, and the refusals, with the same Workspace `vault mcp`
opens for each request; the answers are compared with the CLI's `--json` on the same
vault and index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from typer.testing import CliRunner

from tests.conftest import TODAY
from vaultkit.cli.app import Settings, app
from vaultkit.mcp.server import build_server

pytestmark = pytest.mark.anyio

READ_TOOLS = {"due", "show_person", "search_notes", "list_followups", "suggest", "stats", "prepare_meeting"}
WRITE_TOOLS = {"log_interaction", "add_person", "record_introduction"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return tmp_path / "index.sqlite"


@pytest.fixture
def server(example_vault: Path, index: Path) -> Callable[..., Any]:
    """server(allow_writes=False): the server `vault --vault ... --today TODAY mcp` runs."""

    def make(allow_writes: bool = False) -> Any:
        settings = Settings(str(example_vault), TODAY, str(index), debug=False)
        return build_server(settings.open_workspace, allow_writes=allow_writes)

    return make


@pytest.fixture
def cli_json(example_vault: Path, index: Path) -> Callable[..., Any]:
    """cli_json(*args): what `vault ARGS` prints, parsed, on the same vault and index."""
    runner = CliRunner(env={"VAULTKIT_VAULT": None, "VAULTKIT_TODAY": None, "VAULTKIT_INDEX": None})

    def run(*args: str) -> Any:
        options = ["--vault", str(example_vault), "--index", str(index), "--today", TODAY]
        result = runner.invoke(app, [*options, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run


async def call(server: Any, tool: str, **arguments: Any) -> Any:
    """The tool's structured content; fails on a tool error."""
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def refusal(server: Any, tool: str, **arguments: Any) -> str:
    """The text of the tool error a call gets."""
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert result.structured_content is None
    (content,) = result.content
    return str(content.text)


# -- listing -------------------------------------------------------------------------------
async def test_read_only_lists_the_read_tools_with_descriptions_and_schemas(server) -> None:
    async with Client(server()) as client:
        tools = (await client.list_tools()).tools
    assert {tool.name for tool in tools} == READ_TOOLS
    for tool in tools:
        assert tool.description and not tool.description.startswith(" "), tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
    due = next(tool for tool in tools if tool.name == "due")
    assert set(due.input_schema["properties"]) == {"within", "tag", "limit"}
    assert due.input_schema["properties"]["limit"]["default"] == 50
    assert due.input_schema.get("required", []) == []


async def test_allow_writes_adds_the_write_tools_with_their_arguments(server) -> None:
    async with Client(server(allow_writes=True)) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == READ_TOOLS | WRITE_TOOLS
    schema = tools["log_interaction"].input_schema
    assert set(schema["properties"]) == {"names", "text", "date", "channel"}
    assert schema["required"] == ["names", "text"]
    assert set(tools["add_person"].input_schema["properties"]) == {
        "name",
        "tags",
        "cadence",
        "met",
        "introduced_by",
        "aliases",
        "fields",
    }
    assert set(tools["record_introduction"].input_schema["properties"]) == {"a", "b", "note", "date"}
    assert tools["add_person"].annotations.read_only_hint is False


async def test_write_tools_cannot_be_called_read_only(server, example_vault: Path) -> None:
    before = (example_vault / "People/Tunde Adeyemi.md").read_bytes()
    text = await refusal(server(), "log_interaction", names="Tunde", text="lunch")
    assert "log_interaction" in text
    assert (example_vault / "People/Tunde Adeyemi.md").read_bytes() == before


# -- read tools: the CLI's --json shapes -----------------------------------------------------
async def test_due_is_the_cli_due_json(server, cli_json) -> None:
    assert await call(server(), "due") == cli_json("due", "--json")
    answer = await call(server(), "due", within="7d", tag="client")
    assert answer == cli_json("due", "--within", "7d", "--tag", "client", "--json")
    assert [item["name"] for item in answer["due"]] == [
        "Kwame Mensah",
        "Marcus Bell",
        "Hannah Schmidt",
        "Fatima Al-Sayed",
    ]


async def test_show_person_is_the_cli_show_json(server, cli_json) -> None:
    answer = await call(server(), "show_person", name="Tunde")
    assert answer == cli_json("show", "Tunde", "--json")
    assert (answer["name"], answer["last_contact"]) == ("Tunde Adeyemi", "2026-11-01")
    assert [item["source"] for item in answer["interactions"][:2]] == ["daily", "log"]


async def test_search_notes_is_the_cli_search_json(server, cli_json) -> None:
    answer = await call(server(), "search_notes", query="buses Ife")
    assert answer == cli_json("search", "buses", "Ife", "--json")
    assert [hit["name"] for hit in answer["results"]] == ["Tunde Adeyemi"]


async def test_list_followups_is_the_cli_followups_json(server, cli_json) -> None:
    assert await call(server(), "list_followups") == cli_json("followups", "--json")
    answer = await call(server(), "list_followups", name="Tunde")
    assert answer == cli_json("followups", "Tunde", "--json")
    assert [item["text"] for item in answer["followups"]] == [
        "Send Ife the London bus book for Christmas 📅 2026-12-10"
    ]
    overdue = await call(server(), "list_followups", overdue=True)
    assert overdue == cli_json("followups", "--overdue", "--json")
    assert all(item["overdue"] for item in overdue["followups"])


async def test_suggest_is_the_cli_suggest_json(server, cli_json) -> None:
    answer = await call(server(), "suggest", n=3)
    assert answer == cli_json("suggest", "--n", "3", "--json")
    assert len(answer["suggestions"]) == 3


async def test_stats_is_the_cli_stats_json(server, cli_json, example_vault: Path) -> None:
    network = example_vault / "Network.md"
    before = network.read_bytes() if network.exists() else None
    assert await call(server(), "stats", limit=10_000) == cli_json("stats", "--json")
    answer = await call(server(), "stats", since="2026-10-01")
    assert answer == cli_json("stats", "--since", "2026-10-01", "--json")
    assert answer["new_per_week"][0]["week"] == "2026-W40"
    assert (network.read_bytes() if network.exists() else None) == before


async def test_stats_is_cut_at_limit_keeping_the_latest_weeks(server, cli_json, example_vault: Path) -> None:
    """One `met` typo in the year 217 makes 94,000 weeks: the answer keeps the latest."""
    ada = example_vault / "People/Ada Typo.md"
    ada.write_text("---\nmet: 0217-09-15\nlocation: Nowhere\n---\n# Ada Typo\n", encoding="utf-8")
    whole = cli_json("stats", "--json")
    assert len(whole["new_per_week"]) > 94_000  # `--json` is never cut
    answer = await call(server(), "stats", limit=3)
    assert answer["new_per_week"] == whole["new_per_week"][-3:]
    assert answer["channels"] == dict(list(whole["channels"].items())[:3])
    location = whole["dimensions"]["location"]
    assert answer["dimensions"]["location"] == dict(list(location.items())[:3]) | {
        "unknown": location["unknown"]
    }
    assert answer["introductions"]["made"] == whole["introductions"]["made"]
    assert answer["more"] == {
        "new_per_week": len(whole["new_per_week"]) - 3,
        "channels": len(whole["channels"]) - 3,
        "dimensions.location": len(location) - 1 - 3,
        "dimensions.company": len(whole["dimensions"]["company"]) - 1 - 3,
        "dimensions.tags": len(whole["dimensions"]["tags"]) - 1 - 3,
    }
    default = await call(server(), "stats")
    assert len(default["new_per_week"]) == 50 and len(json.dumps(default)) < 20_000


async def test_prepare_meeting_gives_the_meeting_context_and_writes_nothing(
    server, example_vault: Path
) -> None:
    meetings = sorted(p.name for p in (example_vault / "Meetings").iterdir())
    answer = await call(server(), "prepare_meeting", names="Tunde, Bisi")
    assert answer["date"] == TODAY and answer["title"] == "Tunde Adeyemi and Bisi Adeyemi"
    tunde, bisi = answer["people"]
    assert (tunde["name"], bisi["name"]) == ("Tunde Adeyemi", "Bisi Adeyemi")
    assert tunde["role"] == "Associate, structural engineering"
    assert [(item["date"], item["source"], item["path"]) for item in tunde["interactions"][:2]] == [
        ("2026-11-01", "daily", "Daily/2026-11-01.md"),
        ("2026-10-19", "log", "People/Tunde Adeyemi.md"),
    ]
    assert (
        tunde["interactions"][1]["text"]
        == "his promotion to associate came through; Ife starts nursery in January"
    )
    assert [task["text"] for task in tunde["followups"]] == [
        "Send Ife the London bus book for Christmas 📅 2026-12-10"
    ]
    assert "Arsenal season-ticket holder" in tunde["notes"]
    assert "Bisi Adeyemi" in tunde["linked"]
    assert sorted(p.name for p in (example_vault / "Meetings").iterdir()) == meetings


# -- refusals: the CLI's one line, and the server goes on -------------------------------------
async def test_unknown_and_ambiguous_names_are_tool_errors_with_the_cli_message(server) -> None:
    text = await refusal(server(), "show_person", name="Tunde Adeymi")
    assert text == (
        "Error executing tool show_person: "
        "nobody called 'Tunde Adeymi' in the vault; did you mean Tunde Adeyemi, Grace Adeyemi?"
    )
    text = await refusal(server(), "prepare_meeting", names="A")
    assert "'A' matches several people: Amara Nwosu, Ananya Iyer, Aoife Ní Bhriain, Arjun Mehta" in text
    # ...and the same server answers the next call.
    async with Client(server()) as client:
        first = await client.call_tool("show_person", {"name": "Zed"})
        second = await client.call_tool("show_person", {"name": "Tunde"})
    assert first.is_error and not second.is_error
    assert second.structured_content["name"] == "Tunde Adeyemi"


async def test_bad_arguments_are_tool_errors(server) -> None:
    # In the tool's words: its argument, where the command line has an option.
    assert "tool due: within 'soon': give a span such as 7d, 2w or 1m" in await refusal(
        server(), "due", within="soon"
    )
    assert "since: 'last week' is not a date (use YYYY-MM-DD)" in await refusal(
        server(), "stats", since="last week"
    )
    assert "since 2026-12-01 is after today (2026-11-22)" in await refusal(
        server(), "stats", since="2026-12-01"
    )
    assert "n 0: ask for at least one suggestion" in await refusal(server(), "suggest", n=0)
    assert "the query is empty" in await refusal(server(), "search_notes", query="  ")
    # Arguments that do not fit the tool's schema: one line, no pydantic report.
    assert await refusal(server(), "show_person") == "Error executing tool show_person: name: Field required"
    text = await refusal(server(), "due", limit=0, within=3)
    assert text == (
        "Error executing tool due: within: Input should be a valid string; "
        "limit: Input should be greater than or equal to 1"
    )


async def test_write_refusals_are_tool_errors_and_change_nothing(server, example_vault: Path) -> None:
    people = example_vault / "People"
    before = {p.name: p.read_bytes() for p in people.iterdir()}
    writes = server(allow_writes=True)
    text = await refusal(writes, "log_interaction", names="Tunde", text="lunch", date="2026-12-01")
    assert "tool log_interaction: date 2026-12-01 is after today (2026-11-22): a Log records what" in text
    text = await refusal(writes, "log_interaction", names="Tunde, Nobody", text="lunch")
    assert "nobody called 'Nobody' in the vault" in text
    text = await refusal(writes, "add_person", name="Ann", aliases=[""])
    assert "tool add_person: aliases wants a name, not ''" in text
    text = await refusal(writes, "add_person", name="Ann", tags=["#"])
    assert "tool add_person: tags wants a tag, not '#'" in text
    text = await refusal(writes, "due", tag="#")
    assert "tool due: tag wants a tag, not '#'" in text
    text = await refusal(writes, "add_person", name="../../etc/passwd")
    assert "etc/passwd" in text
    text = await refusal(writes, "add_person", name="Tunde Adeyemi")
    assert "'Tunde Adeyemi' is already in the vault: People/Tunde Adeyemi.md" in text
    text = await refusal(writes, "record_introduction", a="Tunde", b="Tunde Adeyemi")
    assert "an introduction needs two people" in text
    assert {p.name: p.read_bytes() for p in people.iterdir()} == before
    assert not (example_vault.parent / "etc").exists()


async def test_a_note_that_cannot_be_read_is_refused_by_name(server, example_vault: Path) -> None:
    broken = example_vault / "People/Tunde Adeyemi.md"
    broken.write_bytes(b"---\ntags: [person\n---\n# Tunde\n")
    text = await refusal(server(allow_writes=True), "log_interaction", names="Tunde Adeyemi", text="lunch")
    assert "People/Tunde Adeyemi.md" in text
    assert broken.read_bytes() == b"---\ntags: [person\n---\n# Tunde\n"
    assert (await call(server(), "show_person", name="Bisi"))["name"] == "Bisi Adeyemi"


# -- write tools: the safe edit path and the same index ---------------------------------------
async def test_log_interaction_writes_the_entry_and_due_reflects_it(
    server, cli_json, example_vault: Path
) -> None:
    note = example_vault / "People/Tunde Adeyemi.md"
    before = note.read_text(encoding="utf-8")
    assert "Tunde Adeyemi" in [item["name"] for item in (await call(server(), "due"))["due"]]
    answer = await call(
        server(allow_writes=True),
        "log_interaction",
        names="Tunde",
        text="Sunday lunch, Ife's first word was bus",
        channel="lunch",
    )
    assert answer == {"date": TODAY, "logged": [{"name": "Tunde Adeyemi", "path": "People/Tunde Adeyemi.md"}]}
    after = note.read_text(encoding="utf-8")
    assert after == before.replace("last_contact: 2026-10-19", f"last_contact: {TODAY}").replace(
        "## Log\n", f"## Log\n- {TODAY} lunch: Sunday lunch, Ife's first word was bus\n"
    )
    assert "Tunde Adeyemi" not in [item["name"] for item in (await call(server(), "due"))["due"]]
    assert "Tunde Adeyemi" not in [item["name"] for item in cli_json("due", "--json")["due"]]


async def test_log_interaction_for_several_people_on_a_date(server, example_vault: Path) -> None:
    answer = await call(
        server(allow_writes=True),
        "log_interaction",
        names="Tunde, Bisi",
        text="family dinner",
        date="2026-11-20",
    )
    assert [ref["name"] for ref in answer["logged"]] == ["Tunde Adeyemi", "Bisi Adeyemi"]
    for name in ("Tunde Adeyemi", "Bisi Adeyemi"):
        assert "- 2026-11-20 family dinner\n" in (example_vault / f"People/{name}.md").read_text(
            encoding="utf-8"
        )


async def test_add_person_makes_the_note(server, example_vault: Path) -> None:
    answer = await call(
        server(allow_writes=True),
        "add_person",
        name="Ada Lovelace",
        tags=["mentor"],
        cadence="1m",
        met="2026-11-20",
        introduced_by="Tunde",
        aliases=["Ada"],
        fields={"company": "Analytical Engines"},
    )
    assert answer == {"added": {"name": "Ada Lovelace", "path": "People/Ada Lovelace.md"}}
    text = (example_vault / "People/Ada Lovelace.md").read_text(encoding="utf-8")
    for line in ("cadence: 1m", "met: 2026-11-20", "company: Analytical Engines", '"[[Tunde Adeyemi]]"'):
        assert line in text
    shown = await call(server(), "show_person", name="Ada")
    assert shown["name"] == "Ada Lovelace" and "mentor" in shown["tags"]


async def test_record_introduction_logs_both(server, example_vault: Path) -> None:
    answer = await call(
        server(allow_writes=True),
        "record_introduction",
        a="Marcus Bell",
        b="Kwame Mensah",
        note="cold chains",
    )
    assert answer == {
        "date": TODAY,
        "introduced": [
            {"name": "Marcus Bell", "path": "People/Marcus Bell.md"},
            {"name": "Kwame Mensah", "path": "People/Kwame Mensah.md"},
        ],
    }
    marcus = (example_vault / "People/Marcus Bell.md").read_text(encoding="utf-8")
    assert f"- {TODAY} intro: introduced to [[Kwame Mensah]]: cold chains\n" in marcus
    again = await refusal(server(allow_writes=True), "record_introduction", a="Marcus Bell", b="Kwame Mensah")
    assert "is already logged" in again


# -- resources ---------------------------------------------------------------------------------
async def test_people_are_listed_as_resources(server, example_vault: Path) -> None:
    async with Client(server()) as client:
        resources = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["vault://people/{name}"]
    names = [r.name for r in resources]
    assert len(names) == len(list((example_vault / "People").iterdir()))
    assert names[:2] == ["Amara Nwosu", "Ananya Iyer"]
    tunde = next(r for r in resources if r.name == "Tunde Adeyemi")
    assert str(tunde.uri) == "vault://people/Tunde%20Adeyemi"
    assert tunde.mime_type == "text/markdown"


async def test_the_people_resources_come_a_page_at_a_time(
    server, example_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 resources in one answer took 6.5 s; a page at a time, the client asks on."""
    from vaultkit.mcp import server as server_module

    async with Client(server()) as client:
        everyone = [r.name for r in (await client.list_resources()).resources]
    monkeypatch.setattr(server_module, "RESOURCES_PAGE", 7)
    pages: list[list[str]] = []
    async with Client(server()) as client:
        cursor = None
        while True:
            listed = await client.list_resources(cursor=cursor)
            pages.append([r.name for r in listed.resources])
            cursor = listed.next_cursor
            if cursor is None:
                break
    assert [len(page) for page in pages[:-1]] == [7] * (len(pages) - 1) and 0 < len(pages[-1]) <= 7
    assert [name for page in pages for name in page] == everyone


async def test_a_resources_cursor_the_server_did_not_hand_out_is_refused(
    server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any text once started a page wherever it sorted ("zzzzzz": an empty last page)."""
    from mcp.types import INVALID_PARAMS

    from vaultkit.mcp import server as server_module

    monkeypatch.setattr(server_module, "RESOURCES_PAGE", 7)
    async with Client(server()) as client:
        first = await client.list_resources()
        ours = first.next_cursor
        assert ours is not None
        second = [r.name for r in (await client.list_resources(cursor=ours)).resources]
        assert len(second) == 7 and second[0] > first.resources[-1].name
        encoded, _, digest = ours.rpartition(".")
        for cursor in (
            "garbage",
            "\x00",
            "a" * 5000,
            "zzzzzz",
            "",
            f"{encoded}.{digest[::-1]}",
            "Tunde",
            ours + "x",
        ):
            with pytest.raises(MCPError, match="the cursor is not one this server handed out") as refused:
                await client.list_resources(cursor=cursor)
            assert refused.value.error.code == INVALID_PARAMS, cursor
        # (the digest is checked, not only the form: a cursor of another position is refused)
        with pytest.raises(MCPError):
            await client.list_resources(cursor="WnpaWg==." + digest)


async def test_long_lists_are_cut_for_an_assistant_with_how_many_more(server, cli_json) -> None:
    """A vault where 68,000 people are due answered 16 MB; an assistant reads `limit` of each list."""
    whole = cli_json("due", "--json")
    cut = await call(server(), "due", limit=2)
    assert cut["due"] == whole["due"][:2]
    assert cut["birthdays"] == whole["birthdays"][:2]
    assert cut["more"] == {
        key: len(whole[key]) - 2
        for key in ("due", "problems", "followups", "birthdays")
        if len(whole[key]) > 2
    }
    assert "due" in cut["more"] and "more" not in await call(server(), "due")  # (nothing cut at 50)
    found = cli_json("search", "London", "--json")["results"]
    assert len(found) > 1
    searched = await call(server(), "search_notes", query="London", limit=1)
    assert searched == {"results": found[:1], "more": {"results": len(found) - 1}}
    followups = cli_json("followups", "--json")
    assert len(followups["followups"]) > 1
    assert await call(server(), "list_followups", limit=1) == {
        **followups,
        "followups": followups["followups"][:1],
        "more": {"followups": len(followups["followups"]) - 1},
    }


async def test_a_person_resource_is_the_note_text(server, example_vault: Path) -> None:
    expected = (example_vault / "People/Nguyễn Văn An.md").read_text(encoding="utf-8")
    async with Client(server()) as client:
        by_name = await client.read_resource("vault://people/Nguy%E1%BB%85n%20V%C4%83n%20An")
        by_alias_prefix = await client.read_resource("vault://people/nguy")
    assert by_name.contents[0].text == expected
    assert by_alias_prefix.contents[0].text == expected


async def test_a_resource_never_reads_outside_the_people(server, example_vault: Path) -> None:
    (example_vault.parent / "secret.md").write_text("TOP SECRET", encoding="utf-8")
    async with Client(server()) as client:
        for uri in (
            "vault://people/..%2F..%2Fsecret",
            "vault://people/..%2Fvaultkit.toml",
            "vault://people/%2Fetc%2Fpasswd",
            "vault://people/Home",
        ):
            with pytest.raises(MCPError) as refused:
                await client.read_resource(uri)
            assert "TOP SECRET" not in str(refused.value)
        with pytest.raises(MCPError, match="nobody called 'Zed' in the vault"):
            await client.read_resource("vault://people/Zed")


# -- prompts -----------------------------------------------------------------------------------
async def test_the_prompts_are_listed_with_their_argument(server) -> None:
    async with Client(server()) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) == {"prepare_for_meeting", "draft_reach_out"}
    for prompt in prompts.values():
        assert prompt.description and "\n " not in prompt.description  # dedented, as the tools'
        assert [(a.name, a.required) for a in prompt.arguments or []] == [("name", True)]


async def test_draft_reach_out_carries_the_context_and_the_instructions(server) -> None:
    async with Client(server()) as client:
        result = await client.get_prompt("draft_reach_out", {"name": "Tunde"})
    (message,) = result.messages
    text = message.content.text
    assert message.role == "user"
    assert text.startswith("Help me write a short message to Tunde Adeyemi")
    assert "gives before it asks" not in text  # the instructions say it in words
    assert "giving before it asks" in text and "humble" in text and "specific" in text
    assert "- 2026-10-19 call: his promotion to associate came through" in text
    assert "- Send Ife the London bus book for Christmas 📅 2026-12-10 (due 2026-12-10)" in text
    assert "Arsenal season-ticket holder" in text
    assert "- Last contact: 2026-11-01" in text


async def test_prepare_for_meeting_prompt(server) -> None:
    async with Client(server()) as client:
        result = await client.get_prompt("prepare_for_meeting", {"name": "Tunde Adeyemi"})
        with pytest.raises(MCPError, match="nobody called 'Zed' in the vault"):
            await client.get_prompt("prepare_for_meeting", {"name": "Zed"})
    text = result.messages[0].content.text
    assert text.startswith("I am about to meet Tunde Adeyemi.")
    assert "## Tunde Adeyemi" in text and "- Role: Associate, structural engineering" in text
    assert f"Today is {TODAY}." in text
