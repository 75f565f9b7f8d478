"""Reading an uploaded diagram: hostile XML until checked (size, encoding, no DTD or entities, no network),
and the vocabulary the checks share (namespaces, problems named by element)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.errors import N_, InvalidInput, TooLarge

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024  # the shipped diagrams are 20-35 KB
_DECLARED_ENCODING = re.compile(r"""(\A\s*<\?xml[^>]*?\bencoding\s*=\s*["'])[^"']*(["'])""")

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def q(tag: str, ns: str = BPMN) -> str:
    """Clark notation of a tag: ``q("userTask")`` -> ``{…MODEL}userTask``."""
    return f"{{{ns}}}{tag}"


def local(node) -> str:
    return etree.QName(node).localname


@dataclass(frozen=True)
class Problem:
    """One fault of a diagram: the element at fault (None only when the XML cannot be read), a stable code
    for programs, and a Vietnamese message (a catalogue template and its parameters, so pages can show it
    in English) saying what is wrong and what to write instead."""

    element_id: str | None
    code: str
    template: str
    params: tuple = ()

    @property
    def message(self) -> str:
        return self.template % dict(self.params) if self.params else self.template

    def as_dict(self) -> dict:
        return {"element_id": self.element_id, "code": self.code, "message": self.message}


def problem(element_id: str | None, code: str, template: str, **params) -> Problem:
    return Problem(element_id, code, template, tuple(sorted((k, str(v)) for k, v in params.items())))


def decode(data: bytes | str) -> str:
    """Diagram text from an upload or a request body; refuses what is too large or not UTF-8."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_DIAGRAM_BYTES:
        raise TooLarge(N_("Sơ đồ quá lớn (tối đa %(mb)s MB)."), params={"mb": MAX_DIAGRAM_BYTES // (1024 * 1024)})
    if not raw.strip():
        raise InvalidInput(N_("Chưa có nội dung sơ đồ BPMN."), code="invalid_diagram",
                           details={"problems": [problem(None, "empty", N_("Sơ đồ rỗng.")).as_dict()]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("Sơ đồ phải được lưu với bảng mã UTF-8."), code="invalid_diagram",
                           details={"problems": [problem(None, "encoding", N_("Sơ đồ không phải UTF-8.")).as_dict()]}
                           ) from None
    # Read as UTF-8, the text is UTF-8 whatever its declaration says: a declared ISO-8859-1 would make
    # the XML parser read the bytes again and garble every Vietnamese name.
    return _DECLARED_ENCODING.sub(r"\1UTF-8\2", text, count=1)


def parse(xml: str) -> tuple[etree._Element | None, list[Problem]]:
    """The root element, or the problems that make the text unreadable as a BPMN diagram."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        return None, [problem(None, "xml_syntax", N_("XML không hợp lệ (dòng %(line)s): %(detail)s"),
                              line=exc.lineno, detail=exc.msg)]
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # A DTD can declare entities (billion laughs, external files); a BPMN diagram never needs one.
        return None, [problem(None, "doctype", N_("Sơ đồ không được có khai báo DOCTYPE/DTD."))]
    if root.tag != q("definitions"):
        return None, [problem(root.get("id"), "not_bpmn",
                              N_("Tệp không phải sơ đồ BPMN 2.0 (thiếu bpmn:definitions)."))]
    return root, []


def owner_id(node) -> str | None:
    """Id of the BPMN element a node belongs to (itself, or the nearest ancestor with an id)."""
    while node is not None:
        if isinstance(node.tag, str) and node.get("id") and etree.QName(node).namespace in (BPMN, BPMNDI):
            if etree.QName(node).namespace == BPMNDI:
                return node.get("bpmnElement") or node.get("id")
            if local(node) not in ("timerEventDefinition", "conditionExpression", "script", "laneSet"):
                return node.get("id")
        node = node.getparent()
    return None


def processes(root) -> list:
    return root.findall(q("process"))


def main_process(root):
    """The executable process of a diagram (the first marked executable, else the first)."""
    found = processes(root)
    executable = [p for p in found if p.get("isExecutable", "false") == "true"]
    return (executable or found or [None])[0]


def process_name(xml: str) -> str | None:
    """The name a diagram gives its executable process."""
    root, _problems = parse(xml)
    process = main_process(root) if root is not None else None
    return process.get("name") if process is not None else None


def extension(node, tag: str):
    return node.find(f"{q('extensionElements')}/{q(tag, SPIFF)}")


def properties(node) -> dict[str, str]:
    """The ``spiffworkflow:properties`` of an element as name -> value."""
    props = extension(node, "properties")
    if props is None:
        return {}
    return {p.get("name") or "": p.get("value") or (p.text or "") for p in props.findall(q("property", SPIFF))}


def text_of(node) -> str:
    return (node.text or "").strip() if node is not None else ""


def dedent(source: str) -> str:
    """Code as written in a diagram, without the indentation the XML gave it."""
    lines = source.strip("\n").splitlines()
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)
