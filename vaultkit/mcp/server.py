"""The MCP server: tools, resources and prompts over the same core calls as the commands.

Every request opens its own Workspace (so the index is brought up to date first, and
"today" moves at midnight), makes one call into the core and closes it; requests take
turns. A `VaultkitError` becomes the SDK's tool error carrying the CLI's one-line message
(any other exception would reach the client only as "Error executing tool").
"""

# No `from __future__ import annotations` here: the SDK reads each tool's signature to
# build its JSON input schema, and real annotations are what it reads most simply.

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import inspect
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from vaultkit.mcp import SdkMissing

try:
    import anyio
    import anyio.to_thread
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
    from mcp.server.stdio import stdio_server
    from mcp.shared.exceptions import MCPError
    from mcp.types import (
        INTERNAL_ERROR,
        INVALID_PARAMS,
        ListResourcesResult,
        PaginatedRequestParams,
        Resource,
        ToolAnnotations,
    )
    from pydantic import Field, ValidationError
except ImportError as err:  # the optional extra is not installed
    raise SdkMissing() from err

from vaultkit import __version__
from vaultkit.dates import parse_date
from vaultkit.errors import PersonNotFound, UsageError, VaultkitError
from vaultkit.model import MAX_ROWS
from vaultkit.workspace import Workspace

T = TypeVar("T")
OpenWorkspace = Callable[[], Workspace]

PEOPLE_URI = "vault://people/{name}"
RESOURCES_PAGE = 1000  # people listed as resources in one answer: the client asks for the next page
LIMIT = 50  # items of each list a tool answers with, unless it is asked for more
INSTRUCTIONS = (
    "vaultkit is the user's personal relationship manager: one Markdown note per person, "
    "interactions logged in notes. Ask `due` who to reach out to, `show_person` or "
    "`prepare_meeting` before seeing someone, `search_notes` for what was said. Names may be "
    "a name, an alias or a unique prefix; several people as 'Ada, Charles'. The write tools "
    "(log_interaction, add_person, record_introduction) exist only when the user started "
    "the server with --allow-writes."
)
READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)


class VaultServer(MCPServer[Any]):
    """The SDK's server, with every person listed as a resource."""

    def __init__(self, open_workspace: OpenWorkspace) -> None:
        super().__init__(
            "vaultkit",
            version=__version__,
            instructions=INSTRUCTIONS,
            log_level="WARNING",  # refusals are the client's to show, not the log's
        )
        self.open_workspace = open_workspace
        self.turn = threading.Lock()  # sync handlers run in worker threads: one request at a time
        self.writing = threading.Lock()  # held by a request that writes notes, while it runs
        self.client_gone = False

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        """The SDK's call, with arguments that do not fit a tool's schema refused in one line
        (`limit: Input should be greater than or equal to 1`), not pydantic's report of
        several lines with a web address in each."""
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as err:
            if not isinstance(err.__cause__, ValidationError):
                raise
            problems = "; ".join(
                f"{'.'.join(map(str, problem['loc'])) or 'arguments'}: {problem['msg']}"
                for problem in err.__cause__.errors(include_url=False)
            )
            raise ToolError(f"Error executing tool {name}: {problems}") from None

    def answer(
        self,
        work: Callable[[Workspace], T],
        refusal: Callable[[str], Exception] = ToolError,
        writes: bool = False,
        lists: bool = False,
    ) -> T:
        """Run `work` on a fresh, synced Workspace; a refusal becomes `refusal(one line)`.
        `writes`: the work writes notes, and is not cut short when the client leaves.
        `lists`: the tool's `tags` is a list, where the command line has `--tag`."""
        with self.turn, self.writing if writes else contextlib.nullcontext():
            if self.client_gone:  # asked before the client left: nobody waits for the answer
                raise refusal("the client has gone")
            try:
                workspace = self.open_workspace()
            except VaultkitError as err:
                raise refusal(str(err)) from None
            try:
                workspace.sync()
                return work(workspace)
            except VaultkitError as err:
                raise refusal(in_tool_words(str(err), lists)) from None
            except Exception as err:
                explained = workspace.explain(err)  # a damaged index, a full disk
                if explained is None:
                    raise
                raise refusal(str(explained)) from None
            finally:
                workspace.close()

    async def run_stdio_async(self) -> None:
        """Serve over stdin and stdout until the client closes stdin, then stop at once."""
        async with stdio_server() as (read_stream, write_stream):
            await self._lowlevel_server.run(
                _UntilEnd(read_stream, self.client_left),
                write_stream,
                self._lowlevel_server.create_initialization_options(),
            )

    def client_left(self) -> None:
        """The client closed stdin: it waits for no answer. The SDK would still finish every
        request it was sent (a long search, one after another, for minutes), so a request
        that reads is dropped with the process, and one that writes finishes first (its
        notes are written whole, as with one that was never sent)."""
        self.client_gone = True
        if self.turn.locked():  # a request runs, or waits for its turn
            threading.Thread(target=self._exit_after_writing, daemon=True).start()

    def _exit_after_writing(self) -> None:
        with self.writing:
            sys.stderr.flush()
            os._exit(0)  # worker threads cannot be cancelled, and the interpreter would wait for them

    async def _handle_list_resources(
        self, ctx: Any, params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        """The SDK's resources, then one `vault://people/NAME` for every person, by name,
        `RESOURCES_PAGE` to a page (the protocol's cursor: the sort key a page ends with,
        sealed by `_cursor`; one the server did not hand out is refused)."""
        cursor = params.cursor if params is not None else None
        after = _after_cursor(cursor) if cursor is not None else ""
        listed = await self.list_resources() if cursor is None else []
        page = await anyio.to_thread.run_sync(
            lambda: self.answer(
                lambda ws: ws.index.names_page(after, RESOURCES_PAGE + 1), refusal=_list_error
            )
        )
        people = [
            Resource(
                uri=PEOPLE_URI.format(name=quote(name, safe="")),
                name=name,
                description=f"{name}'s note ({path})",
                mime_type="text/markdown",
            )
            for _, path, name in page[:RESOURCES_PAGE]
        ]
        more = len(page) > RESOURCES_PAGE
        return ListResourcesResult(
            resources=[*listed, *people], next_cursor=_cursor(page[RESOURCES_PAGE - 1][0]) if more else None
        )


_CURSOR_KEY = b"vaultkit resources cursor"  # (not a secret: the digest tells ours from any text)


def _cursor(sort_key: str) -> str:
    """The opaque cursor of a page of resources ending at `sort_key`: it, encoded, and a digest."""
    encoded = base64.urlsafe_b64encode(sort_key.encode("utf-8")).decode("ascii")
    return f"{encoded}.{_cursor_digest(encoded)}"


def _cursor_digest(encoded: str) -> str:
    return hashlib.blake2s(encoded.encode("ascii"), key=_CURSOR_KEY, digest_size=8).hexdigest()


def _after_cursor(cursor: str) -> str:
    """The sort key a `_cursor` holds; an invalid-params error for any other text."""
    encoded, _, digest = cursor.rpartition(".")
    if encoded.isascii() and hmac.compare_digest(
        digest.encode("ascii", "replace"), _cursor_digest(encoded).encode()
    ):
        with contextlib.suppress(ValueError):
            return base64.urlsafe_b64decode(encoded.encode("ascii")).decode("utf-8")
    raise MCPError(
        code=INVALID_PARAMS,
        message="resources/list: the cursor is not one this server handed out; list from the start (no cursor)",
    )


class _UntilEnd:
    """The SDK's stream of the client's messages, calling `at_end()` when stdin closes."""

    def __init__(self, messages: Any, at_end: Callable[[], None]) -> None:
        self.messages = messages
        self.at_end = at_end

    @property
    def last_context(self) -> Any:
        """The sender's context of the last message (the SDK reads it where it is offered)."""
        return getattr(self.messages, "last_context", None)

    async def receive(self) -> Any:
        try:
            return await self.messages.receive()
        except anyio.EndOfStream:
            self.at_end()
            raise

    async def aclose(self) -> None:
        await self.messages.aclose()

    def __aiter__(self) -> "_UntilEnd":
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def __aenter__(self) -> "_UntilEnd":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


_OPTION_RE = re.compile(r"^--([a-z][a-z-]*)")
_ARGUMENT_OF = {"alias": "aliases", "set": "fields"}
"""The command-line options whose tool argument has another name."""


def in_tool_words(message: str, lists: bool = False) -> str:
    """A refusal the core words for the command line (`--within 'soon': give a span ...`)
    with the tool's argument in place of the option it starts with (`within 'soon': ...`);
    `lists`: `--tag` is the tool's `tags` (`add_person`), not a filter's `tag`."""
    renamed = {**_ARGUMENT_OF, "tag": "tags"} if lists else _ARGUMENT_OF
    return _OPTION_RE.sub(lambda found: renamed.get(found[1], found[1].replace("-", "_")), message, 1)


def _date(argument: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as err:
        raise UsageError(f"{argument}: {err}") from None


def _prompt_error(message: str) -> Exception:
    return MCPError(code=INVALID_PARAMS, message=message)


def _list_error(message: str) -> Exception:
    # An MCPError is answered as it is; any other error (a ToolError) the SDK answers too,
    # but logs first with a 170-line traceback, as it would a bug.
    return MCPError(code=INTERNAL_ERROR, message=message)


def build_server(open_workspace: OpenWorkspace, allow_writes: bool = False) -> VaultServer:
    """The server with its tools (the write tools only with `allow_writes`), resources and prompts."""
    from vaultkit import answers
    from vaultkit.mcp import prompts
    from vaultkit.meetings import meeting_context, person_context

    server = VaultServer(open_workspace)
    answer = server.answer

    def tool(annotations: ToolAnnotations) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Register a tool; its docstring, dedented, is the description an assistant reads."""
        return lambda fn: server.tool(
            annotations=annotations, description=inspect.cleandoc(fn.__doc__ or "")
        )(fn)

    Names = Annotated[
        str,
        Field(
            description="One name or several, comma-separated: 'Ada' or 'Ada, Charles' (name, alias or prefix)."
        ),
    ]
    Name = Annotated[str, Field(description="A person's name, alias or unique prefix, e.g. 'Ada'.")]
    Date = Annotated[str | None, Field(description="A date, YYYY-MM-DD (default: today).")]
    Limit = Annotated[
        int,
        Field(
            ge=1,
            le=MAX_ROWS,
            description="At most this many items in each list of the answer; `more` says how many each left out.",
        ),
    ]

    # -- read ---------------------------------------------------------------------------
    @tool(READ)
    def due(
        within: Annotated[
            str | None, Field(description="Also who comes due within this: 7d, 2w, 1m (default: due today).")
        ] = None,
        tag: Annotated[str | None, Field(description="Only people with this tag, e.g. 'mentor'.")] = None,
        limit: Limit = LIMIT,
    ) -> dict[str, Any]:
        """Who is due for a reach-out today, most overdue first, with their last contact,
        cadence and days overdue; also overdue follow-ups and birthdays of the next 30 days.
        Use it for "who should I catch up with this week?" (within='7d')."""
        return answer(lambda ws: answers.cut(answers.due_answer(ws, within=within, tag=tag), limit))

    @tool(READ)
    def show_person(name: Name) -> dict[str, Any]:
        """Everything the notes say about one person: profile fields, cadence and due date,
        every interaction (newest first, with what was said), open follow-ups, links in and
        out, introductions."""
        return answer(lambda ws: answers.show_answer(ws, name))

    @tool(READ)
    def search_notes(
        query: Annotated[
            str,
            Field(
                description="Words that must all appear (each also finds the words it begins: plan, planning), e.g. 'poetry horses'."
            ),
        ],
        limit: Limit = LIMIT,
    ) -> dict[str, Any]:
        """Full-text search over people, meeting and daily notes, best first, each result with
        a snippet marking the words in [brackets]. Words, not query syntax."""

        def run(workspace: Workspace) -> dict[str, Any]:
            words = query.split()
            if not words:
                raise UsageError("the query is empty: give words to search for")
            return answers.search_answer(workspace, words, limit)

        return answer(run)

    @tool(READ)
    def list_followups(
        name: Annotated[
            str | None, Field(description="Only these people: 'Ada' or 'Ada, Charles' (default: everyone).")
        ] = None,
        overdue: Annotated[bool, Field(description="Only those past their due date.")] = False,
        limit: Limit = LIMIT,
    ) -> dict[str, Any]:
        """Open follow-ups (unchecked tasks in person and meeting notes), soonest due first,
        each with its person, due date, whether it is overdue, and the note and line."""
        return answer(lambda ws: answers.cut(answers.followups_answer(ws, name, overdue=overdue), limit))

    @tool(READ)
    def suggest(
        n: Annotated[int, Field(description="How many people to suggest.")] = 5,
    ) -> dict[str, Any]:
        """Whom to reach out to today and why: the most overdue, open follow-ups due soon,
        introductions to check in on, people you are losing touch with."""
        return answer(lambda ws: answers.suggest_answer(ws, n))

    @tool(READ)
    def stats(
        since: Annotated[
            str | None,
            Field(description="Count weeks, channels and introductions from this date, YYYY-MM-DD."),
        ] = None,
        limit: Limit = LIMIT,
    ) -> dict[str, Any]:
        """Figures about the network: new people per week against the goal and the streak,
        share of people kept in touch on time, channels, introductions made, and diversity
        (location, company, tags). Lists keep the latest weeks and introductions, the
        largest channels and groups."""
        return answer(lambda ws: answers.stats_answer(ws, _date("since", since), limit))

    @tool(READ)
    def prepare_meeting(names: Names) -> dict[str, Any]:
        """What to know before meeting these people, as `vault meet` would put it in the
        meeting note (nothing is written): for each, the profile, last interactions from every
        note, open follow-ups, their Notes, who they are linked with and a birthday within
        30 days."""
        return answer(lambda ws: dict(meeting_context(ws, ws.find_people(names))))

    # -- write ----------------------------------------------------------------------------
    if allow_writes:

        @tool(WRITE)
        def log_interaction(
            names: Names,
            text: Annotated[str, Field(description="What happened and what was said, one line.")],
            date: Annotated[
                str | None,
                Field(description="When it happened, YYYY-MM-DD, not after today (default: today)."),
            ] = None,
            channel: Annotated[
                str | None,
                Field(description="How: coffee, call, email, video, dinner... (a lower-case word)."),
            ] = None,
        ) -> dict[str, Any]:
            """Log an interaction that happened with one or more people (one dinner, three
            people): a Log entry in each person's note, and their last contact moves, so
            `due` reflects it at once. For plans, not events, add a follow-up instead."""

            def run(workspace: Workspace) -> dict[str, Any]:
                when = _date("date", date) or workspace.today
                refs = workspace.log(names, text, date=when, channel=channel)
                return {"date": when.isoformat(), "logged": [ref.to_json() for ref in refs]}

            return answer(run, writes=True)

        @tool(WRITE)
        def add_person(
            name: Annotated[
                str, Field(description="The person's full name (it becomes the note's file name).")
            ],
            tags: Annotated[list[str] | None, Field(description="Tags, e.g. ['mentor', 'friend'].")] = None,
            cadence: Annotated[
                str | None, Field(description="Keep-in-touch interval: 2w, 1m, quarterly, none...")
            ] = None,
            met: Annotated[str | None, Field(description="When you met, YYYY-MM-DD.")] = None,
            introduced_by: Annotated[str | None, Field(description="Who introduced you.")] = None,
            aliases: Annotated[list[str] | None, Field(description="Other names they go by.")] = None,
            fields: Annotated[
                dict[str, str] | None,
                Field(
                    description="More fields for the front matter, e.g. {'company': 'Acme', 'location': 'Lagos'}."
                ),
            ] = None,
        ) -> dict[str, Any]:
            """Add a person: a new note from the person template. Refuses a name or alias that
            is already in the vault, and names that cannot be a file."""

            def run(workspace: Workspace) -> dict[str, Any]:
                ref = workspace.add_person(
                    name,
                    cadence=cadence,
                    tags=tags or [],
                    met=_date("met", met),
                    introduced_by=introduced_by,
                    aliases=aliases or [],
                    values=fields or {},
                )
                return {"added": ref.to_json()}

            return answer(run, writes=True, lists=True)

        @tool(WRITE)
        def record_introduction(
            a: Annotated[str, Field(description="One person (name, alias or unique prefix).")],
            b: Annotated[str, Field(description="The person you introduced them to.")],
            note: Annotated[str | None, Field(description="Why, or how it went.")] = None,
            date: Date = None,
        ) -> dict[str, Any]:
            """Record an introduction the user made between two people: an `intro` Log entry
            in both notes. The same pair on the same date is refused."""
            from vaultkit.insights.network import record_intro

            def run(workspace: Workspace) -> dict[str, Any]:
                when = _date("date", date) or workspace.today
                first, second = record_intro(workspace, a, b, note=note, date=when)
                return {"date": when.isoformat(), "introduced": [first.to_json(), second.to_json()]}

            return answer(run, writes=True)

    # -- resources and prompts ------------------------------------------------------------
    @server.resource(PEOPLE_URI, mime_type="text/markdown")
    def person_note(name: str) -> str:
        """A person's note, as Markdown (NAME is a name, alias or unique prefix)."""
        from vaultkit.notes.parse import decode_note

        def run(workspace: Workspace) -> str:
            try:
                ref = workspace.find_person(name)
            except PersonNotFound as err:
                raise ResourceNotFoundError(str(err)) from None
            return decode_note(ref.path, workspace.vault.read(ref.path).data)

        return answer(run, refusal=ResourceError)

    def brief(name: str, write: Callable[..., str]) -> str:
        def run(workspace: Workspace) -> str:
            person = person_context(workspace, workspace.find_person(name), workspace.today)
            return write(person, workspace.today.isoformat())

        return answer(run, refusal=_prompt_error)

    def prompt(fn: Callable[..., str]) -> Callable[..., str]:
        """A prompt whose description is its docstring, dedented (as the tools' are)."""
        return server.prompt(description=inspect.cleandoc(fn.__doc__ or ""))(fn)

    @prompt
    def prepare_for_meeting(name: Name) -> str:
        """Prepare for meeting someone: what you talked about, what you promised, what to ask."""
        return brief(name, prompts.prepare_for_meeting)

    @prompt
    def draft_reach_out(name: Name) -> str:
        """Draft a warm, humble, specific message to someone that gives before it asks; for
        someone you want to meet, a first contact (why, who could introduce you, what you
        have in common) or the one gentle follow-up to an unanswered ask."""
        from vaultkit.prospects import common_ground, prospect_of

        def run(workspace: Workspace) -> str:
            ref = workspace.find_person(name)
            person, today = person_context(workspace, ref, workspace.today), workspace.today.isoformat()
            prospect = prospect_of(workspace, ref)
            if prospect is None:
                return prompts.draft_reach_out(person, today)
            common = common_ground(workspace, ref)
            return prompts.first_contact(person, prospect, common, workspace.config.ask_follow_up, today)

        return answer(run, refusal=_prompt_error)

    return server


def serve(open_workspace: OpenWorkspace, allow_writes: bool = False) -> None:
    """Serve over stdin and stdout until stdin closes (the SDK keeps stray output off stdout)."""
    anyio.run(build_server(open_workspace, allow_writes).run_stdio_async)
