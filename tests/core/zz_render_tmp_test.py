import pytest
from safeguard.core import audit
from tests import factories
@pytest.mark.django_db
def test_render(client_for):
    dpo = factories.person("data_protection_officer")
    staff = factories.person("practitioner")
    for i in range(60):
        audit.record_view(actor=staff, record_type="core.person", record_id=i)
    audit.record(action="update", record_type="core.person", record_id=3, actor=staff, changes={"a": [1, 2]})
    c = client_for(dpo)
    html = c.get("/audit", {"page": 1}).content.decode()
    s = html.index('<main'); print(html[s:s+9000])
    html = c.get("/audit", {"person_id": "x", "record_id": "3"}).content.decode()
    s = html.index('<main'); print(html[s:s+1500])
