"""Final PDFs as other software writes them: form fields named like Q-Office's, a form whose field list is
no list, boxes off the page, giant metadata, a cut file as a new version. Each is refused at submission or
repaired; none leaves a signed document that cannot be issued."""
from __future__ import annotations

import io

import pikepdf
import pytest

from tests.conftest import DEMO_PASSWORD
from tests.test_outgoing_api import create, outgoing_meta, step


def _final_pdf(edit=None) -> bytes:
    import weasyprint

    from tests.integrations.pdf_support import DOC_HTML

    pdf = pikepdf.open(io.BytesIO(weasyprint.HTML(string=DOC_HTML).write_pdf()))
    if edit:
        edit(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _with_text_field(name: str):
    def edit(pdf):
        field = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                     FT=pikepdf.Name.Tx, T=pikepdf.String(name),
                                                     Rect=pikepdf.Array([100, 100, 200, 150]), F=4))
        pdf.pages[0].obj.Annots = pikepdf.Array([field])
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array([field])))
    return edit


def _draft(api, pdf: bytes, **layout) -> int:
    from tests.integrations.pdf_support import LEADER_BOX, NUMBER_BOX

    meta = outgoing_meta(doc_type="QĐ", body=None, receivers=["org:000.00.00.H47"],
                         layout={"number_box": list(NUMBER_BOX), "leader_box": list(LEADER_BOX), "page": 0, **layout})
    created = create(api, "tp.ldvl", meta=meta, files=[("quyet-dinh.pdf", pdf)])
    assert created.status_code == 201, created.json
    return created.json["id"]


@pytest.mark.parametrize("field", ["LanhDao", "CoQuan", "so_ky_hieu"])
def test_a_form_field_named_like_q_office_s_is_refused_at_submission(api, field):
    doc_id = _draft(api, _final_pdf(_with_text_field(field)))
    refused = step(api, "tp.ldvl", doc_id, "submit", status=422)
    assert f"trường biểu mẫu tên “{field}”" in refused["message"]
    assert api.get("tp.ldvl", f"/documents/{doc_id}").json["status"] == "draft"


def test_a_form_whose_field_list_is_no_list_is_repaired_and_issued(api):
    doc_id = _draft(api, _final_pdf(lambda pdf: setattr(pdf.Root, "AcroForm", pdf.make_indirect(
        pikepdf.Dictionary(Fields=pikepdf.Name("/Bogus"))))))
    step(api, "tp.ldvl", doc_id, "submit")
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent" and sent["legal_standing"] == "legal"


@pytest.mark.parametrize("box", [[4000, 4000, 4999, 4999], [10, 10, 10.5, 10.5]])
def test_a_box_off_the_page_or_of_no_size_is_refused_before_anyone_signs(api, box):
    doc_id = _draft(api, _final_pdf(), leader_box=box)
    refused = step(api, "tp.ldvl", doc_id, "submit", status=422)
    assert "Vị trí ô chữ ký không hợp lệ" in refused["message"] and "layout.leader_box" in refused["details"]
    assert api.get("tp.ldvl", f"/documents/{doc_id}").json["status"] == "draft"


def test_giant_document_information_is_not_carried_into_the_signed_file():
    from integrations.pdf.signing import MAX_INFO_CHARS, add_issue_fields
    from tests.integrations.pdf_support import NUMBER_BOX

    def edit(pdf):
        pdf.docinfo["/Title"] = "Quyết định"
        pdf.docinfo["/Subject"] = "x" * (MAX_INFO_CHARS + 1)

    prepared = add_issue_fields(_final_pdf(edit), number_box=NUMBER_BOX, date_box=NUMBER_BOX)
    with pikepdf.open(io.BytesIO(prepared)) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Quyết định" and "/Subject" not in pdf.docinfo


def test_a_cut_pdf_is_refused_as_a_new_version_of_the_text(api):
    doc_id = _draft(api, _final_pdf())
    whole = _final_pdf()
    at = whole.rindex(b"startxref") + len(b"startxref\n")
    cut = whole[:at] + b"1" + whole[whole.index(b"\n", at):]  # a wrong xref offset: qpdf repairs, with warnings
    response = api.client.post(f"/api/v1/documents/{doc_id}/files", headers=api.headers("tp.ldvl"),
                               data={"files": [(io.BytesIO(cut), "quyet-dinh-v2.pdf")]},
                               content_type="multipart/form-data")
    assert response.status_code == 422 and "bị hỏng hoặc không đầy đủ" in response.json["message"]
    assert len(api.get("tp.ldvl", f"/documents/{doc_id}").json["attachments"]) == 1


def test_a_pdf_without_pages_is_refused_as_such(api):
    empty = io.BytesIO()
    pikepdf.new().save(empty)
    created = create(api, "tp.ldvl", meta=outgoing_meta(doc_type="QĐ", body=None, receivers=["org:000.00.00.H47"]),
                     files=[("quyet-dinh.pdf", empty.getvalue())])
    assert created.status_code == 201, created.json  # nothing in it is dangerous: submission says what is wrong
    refused = step(api, "tp.ldvl", created.json["id"], "submit", status=422)
    assert refused["message"] == "Tệp PDF không có trang nào."
