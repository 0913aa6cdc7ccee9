"""The vCard format (2.1, 3.0, 4.0) as phones and mail programs really write it.

Reading: unfolding (RFC 6350 folding and 2.1 quoted-printable soft line breaks),
parameters in all three versions' styles, quoted-printable with a CHARSET, base64,
backslash escapes, structured values. A card that cannot be read is reported with its
line and the rest of the file still reads. Writing: vCard 4.0 lines, escaped and folded.

No vault knowledge here: `readers.py` turns cards into contact records.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_NAME_RE = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Property:
    """One content line: `group.NAME;PARAMS:value`, with the value decoded to text or bytes."""

    name: str
    params: dict[str, list[str]]
    types: list[str]
    raw: str
    line: int
    data: bytes | None = None
    version: str = "3.0"

    @property
    def is_pref(self) -> bool:
        """Marked preferred: `TYPE=pref` (2.1/3.0) or `PREF=1` (4.0)."""
        return "pref" in self.types or bool(self.params.get("PREF"))

    def text(self) -> str:
        """The value as text, escapes resolved."""
        return unescape(self.raw)

    def components(self) -> list[str]:
        """A structured value (N, ADR, ORG) split on unescaped `;`."""
        return [unescape(part) for part in split_unescaped(self.raw, ";")]

    def items(self) -> list[str]:
        """A list value (CATEGORIES, NICKNAME) split on unescaped `,`."""
        return [unescape(part).strip() for part in split_unescaped(self.raw, ",") if part.strip()]


@dataclass(frozen=True)
class CardProblem:
    """A card, or a line between cards, that could not be read."""

    line: int
    message: str


@dataclass
class Card:
    """One vCard: its properties in file order, and the line of its BEGIN."""

    line: int
    version: str = ""
    properties: list[Property] = field(default_factory=list)
    dropped: list[CardProblem] = field(default_factory=list)  # properties whose value could not be decoded

    def all(self, name: str) -> list[Property]:
        """Every property with this name (case-insensitive), preferred ones first."""
        found = [p for p in self.properties if p.name == name.upper()]
        return sorted(found, key=lambda p: not p.is_pref)

    def first(self, name: str) -> Property | None:
        """The preferred (else first) property with this name."""
        found = self.all(name)
        return found[0] if found else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """File bytes -> (text, encoding): a BOM wins, then UTF-8, then Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    return decode_text(data)


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes without a BOM -> (text, encoding): UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Outlook writes 8-bit cards in the Windows code page; it maps every byte, so nothing is lost.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _without_bom(data: bytes) -> bytes:
    """A file's bytes with no BOM, UTF-8 when the BOM said UTF-16 (its lines then split as bytes)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def unescape(text: str) -> str:
    """Resolve `\\n`, `\\,`, `\\;`, `\\:` and `\\\\` (Gmail escapes colons in URLs too)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following in "nN" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split on `separator` where it is not escaped with a backslash."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _split_head(logical: str) -> tuple[str, str] | None:
    """`NAME;PARAMS` and the value, split at the first `:` outside double quotes."""
    quoted = False
    for index, char in enumerate(logical):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return logical[:index], logical[index + 1 :]
    return None


def _parse_params(parts: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    params: dict[str, list[str]] = {}
    types: list[str] = []
    for part in parts:
        if not part.strip():
            continue
        if "=" in part:
            key, value = part.split("=", 1)
            key = key.strip().upper()
            values = [v.strip().strip('"') for v in split_unescaped(value.strip().strip('"'), ",")]
            if key == "TYPE":
                types.extend(v.lower() for v in values if v)
            else:
                params.setdefault(key, []).extend(values)
        else:
            # vCard 2.1 writes bare parameters: TEL;WORK;VOICE, ADR;HOME, PHOTO;JPEG;BASE64.
            bare = part.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
                params.setdefault("ENCODING", []).append(bare)
            else:
                types.append(bare.lower())
    return params, types


def _decode_qp(value: str, charset: str, line_encoding: str) -> str:
    raw = value.encode(line_encoding, errors="replace")
    data = quopri.decodestring(raw)
    for encoding in (charset, "utf-8", "cp1252"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - cp1252 decodes nearly all bytes


def _logical_lines(data: bytes) -> Iterator[tuple[int, str, str]]:
    """Physical lines -> (line number, logical line, its encoding): folding and QP soft
    breaks undone on the bytes, then each logical line decoded on its own. So a fold that
    splits a UTF-8 character is rejoined (RFC 6350 3.2), and one Windows-1252 card in a
    UTF-8 file (two address books joined) leaves the other cards' names as they are."""
    physical = _without_bom(data).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    index = 0
    version = b""
    while index < len(physical):
        number, line = index + 1, physical[index]
        index += 1
        if not line.strip():
            continue
        head = line.split(b":", 1)[0].upper()
        if head.strip() == b"VERSION":
            version = line.partition(b":")[2].strip()  # ("VERSION" alone: no version)
        # vCard 2.1 folds before a space that belongs to the value; 3.0 and 4.0 add one.
        keep = 0 if version == b"2.1" else 1
        quoted_printable = b"QUOTED-PRINTABLE" in head
        while True:
            if quoted_printable and line.endswith(b"=") and index < len(physical):
                # A soft line break: the next line continues the value, indented or not.
                line = line[:-1] + physical[index]
                index += 1
            elif index < len(physical) and physical[index][:1] in (b" ", b"\t") and physical[index].strip():
                line += physical[index][keep:]
                index += 1
            else:
                break
        yield number, *decode_text(line)


def _make_property(
    number: int, logical: str, version: str, line_encoding: str
) -> Property | str | CardProblem:
    """One logical line -> a Property, the reason it is not one (the card cannot be read), or
    a problem with its value alone (the property is dropped, the card still reads)."""
    split = _split_head(logical)
    if split is None:
        return "it is not a vCard property (NAME:value)"
    head, value = split
    parts = head.split(";")
    name_match = _NAME_RE.match(parts[0].strip())
    if not name_match:
        return f"{parts[0].strip()[:40]!r} is not a property name"
    params, types = _parse_params(parts[1:])
    prop = Property(name_match.group(2).upper(), params, types, value, number, version=version)
    encoding = " ".join(params.get("ENCODING", [])).upper()
    if "QUOTED-PRINTABLE" in encoding:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        # Keep the `;` of structured values as separators; protect backslashes and newlines.
        decoded = _decode_qp(value, charset, line_encoding)
        prop.raw = decoded.replace("\\", "\\\\").replace("\n", "\\n")
    elif encoding in ("B", "BASE64"):
        try:
            prop.data = base64.b64decode("".join(value.split()), validate=False)
        except (binascii.Error, ValueError):
            return CardProblem(number, f"{prop.name}: its base64 value is damaged; left out")
    elif value.startswith("data:") and ";base64," in value[:100]:
        media, _, payload = value.partition(",")
        try:
            prop.data = base64.b64decode("".join(payload.split()))
        except (binascii.Error, ValueError):
            return CardProblem(number, f"{prop.name}: its base64 value is damaged; left out")
        media_type = media[5:].split(";", 1)[0]
        if "/" in media_type:
            prop.types.append(media_type.split("/", 1)[1].lower())
    return prop


OUTSIDE_A_CARD = "text outside a BEGIN:VCARD ... END:VCARD card; ignored"


def iter_cards(data: bytes | str) -> Iterator[Card | CardProblem]:
    """Each readable card in a file (its bytes, or text), or a problem for each card that is not, as they
    come: a caller that turns each card into a contact at once holds one card at a time
    (100,000 cards and their properties at once were most of 600 MB).

    A broken card (a line that is no property) is skipped whole: a half-read card could
    merge into the wrong person. A property whose value alone is damaged (its base64) is
    left out, and said so in the card's `dropped`.
    """
    card: Card | None = None
    broken: str | None = None
    for number, logical, encoding in _logical_lines(data if isinstance(data, bytes) else data.encode()):
        upper = logical.strip().upper()
        if upper == "BEGIN:VCARD":
            if card is not None:
                yield CardProblem(card.line, "card has no END:VCARD; skipped")
            card, broken = Card(number), None
            continue
        if upper == "END:VCARD":
            if card is None:
                yield CardProblem(number, "END:VCARD without BEGIN:VCARD")
            elif broken is not None:
                yield CardProblem(card.line, broken)
            else:
                yield card
            card, broken = None, None
            continue
        if card is None:
            yield CardProblem(number, OUTSIDE_A_CARD)
            continue
        if broken is not None:
            continue
        if upper.startswith("VERSION:"):
            card.version = logical.split(":", 1)[1].strip()
            continue
        made = _make_property(number, logical, card.version or "3.0", encoding)
        if isinstance(made, str):
            broken = f"card skipped: line {number}: {made}"
        elif isinstance(made, CardProblem):
            card.dropped.append(made)
        else:
            card.properties.append(made)
    if card is not None:
        yield CardProblem(card.line, "card has no END:VCARD; skipped")


# -- writing -----------------------------------------------------------------------------
def escape(text: str) -> str:
    """Escape a text value: backslash, comma, semicolon and newline."""
    if "\\" not in text and "," not in text and ";" not in text and "\n" not in text:
        return text  # (most values: four scans instead of five copies)
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def uri_value(text: str) -> str:
    """A URI value (URL) as written: RFC 6350 3.4 escapes text values only, and a `,` in a
    map's address is the address's; only line breaks, which no URI has, are taken out."""
    return "".join(text.splitlines())


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 6350 3.2):
    each piece as long as fits, continuation lines starting with a space."""
    if line.isascii():  # (most lines: a character is an octet)
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[start : start + 74] for start in range(75, len(line), 74))])
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces: list[bytes] = []
    start, limit = 0, 75
    while len(encoded) - start > limit:
        cut = start + limit
        while encoded[cut] & 0xC0 == 0x80:  # inside a character: cut before its first octet
            cut -= 1
        pieces.append(encoded[start:cut])
        start, limit = cut, 74  # the space that starts a continuation line is its first octet
    pieces.append(encoded[start:])
    return "\r\n ".join(piece.decode("utf-8") for piece in pieces)


def content_line(name: str, value: str, params: str = "") -> str:
    """`NAME;PARAMS:value` folded, with the CRLF vCard wants."""
    return fold(f"{name}{params}:{value}") + "\r\n"
