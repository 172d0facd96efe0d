from datetime import date

from ekinerja.a3 import content as a3
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import DocumentKind
from ekinerja.extensions import db
from tests.contracts.conftest import SIGNING


def test_a3_prefilled_agreed_and_printed(org, iku, people, tmp_path):
    agreement = cs.create(people.op_a, DocumentKind.A3, 2026, org.a_head.position)
    v = agreement.latest
    added = a3.prefill(v)
    assert added == {"attitudes": 4, "attentions": 1, "actions": 1}
    [action] = v.a3_actions
    assert action.indicator_id == iku.opd.id and action.responsible == org.bidang.name
    assert action.serves.startswith("IKU-01")
    cs.submit(people.op_a, v)
    cs.agree(people.gov, v)
    pdf = cs.print_(people.gov, v, "100/A3/2026", date(2026, 1, 30), SIGNING)
    (tmp_path / "a3.pdf").write_bytes(pdf)
    db.session.commit()
    assert pdf.startswith(b"%PDF")
