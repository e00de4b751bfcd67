"""Customer merges (C3), XLSX import, exports and the audit logs (C10) on the real database."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest
from crm_world import World
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from crm.config import MIGRATIONS_DIR, CrmSettings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def two_records(world: World, client: httpx.AsyncClient) -> tuple[dict, dict]:
    """One customer twice: Wang's, known by phone; another in East's pool, known by e-mail, with a
    company and a bad-credit flag."""
    kept = await world.owned_lead(world.wang, "13800000001")
    other = await world.lead(world.manager, email="na.li@acme.cn", name="Li Na (ACME)", company="ACME")
    await world.to_group(other, world.east)
    flagged = await client.put(f"/customers/{other['customer']['customer_id']}/credit",
                               headers=world.east_leader.headers, json={"flag": "bad_credit", "reason": "unpaid"})
    assert flagged.status_code == 200, flagged.text
    return kept, other


class TestMerge:
    async def test_the_manager_merges_and_everything_moves_with_an_audit(self, world: World,
                                                                        client: httpx.AsyncClient) -> None:
        kept, other = await two_records(world, client)
        keep_id, other_id = kept["customer"]["customer_id"], other["customer"]["customer_id"]
        deal = await client.post("/deals", headers=world.manager.headers, json={
            "customer_id": other_id, "rep_id": str(world.wang.id), "amount": "100.00",
            "signed_on": world.day(0).isoformat()})
        assert deal.status_code == 201, deal.text
        response = await client.post(f"/customers/{keep_id}/merge", headers=world.manager.headers,
                                     json={"other_id": other_id, "take": ["name"]})
        assert response.status_code == 200, response.text
        merged = response.json()

        fields = {f["field"]: f for f in merged["fields"]}
        assert (fields["name"]["value"], fields["name"]["source"], fields["name"]["discarded"]) == (
            "Li Na (ACME)", "dropped", "Customer")
        assert (fields["company"]["value"], fields["company"]["source"]) == ("ACME", "dropped")
        assert (fields["phone"]["value"], fields["phone"]["source"]) == ("138****0001", "kept")
        assert fields["email"]["value"] == "n***@acme.cn", "contacts masked in the answer"
        assert fields["credit"]["value"]["flag"] == "bad_credit"
        assert merged["moved"] == {"leads": 1, "deals": 1, "customer_credit_log": 1}
        assert set(merged["lead_ids"]) == {kept["id"], other["id"]}

        [customer] = await world.rows("SELECT * FROM customers")
        assert (str(customer.id), customer.name, customer.phone, customer.email, customer.company,
                customer.credit_flag) == (keep_id, "Li Na (ACME)", "13800000001", "na.li@acme.cn", "ACME",
                                          "bad_credit")
        assert {row.customer_id for row in await world.rows("SELECT customer_id FROM leads UNION "
                                                            "SELECT customer_id FROM deals")} == {uuid.UUID(keep_id)}
        [event] = [e["data"] for t, e in await world.outbox() if t == "crm.customer.merged.v1"]
        assert (event["kept_customer_id"], event["dropped_customer_id"], event["lead_ids"]) == (
            keep_id, other_id, [other["id"]])

        audit = await client.get("/audit/merges", headers=world.admin.headers)
        [entry] = audit.json()["items"]
        assert entry["fields"]["email"] == {"kept": "na.li@acme.cn", "from": "dropped", "dropped": None}
        assert entry["fields"]["name"]["dropped"] == "Customer"
        assert (await client.get("/audit/merges", headers=world.manager.headers)).status_code == 403

        # A new lead with the dropped record's e-mail now finds the kept record.
        again = await world.lead(world.manager, email="na.li@acme.cn", expect=409)
        assert again["existing_customer_id"] == keep_id

    async def test_who_may_merge(self, world: World, client: httpx.AsyncClient) -> None:
        kept, other = await two_records(world, client)
        keep_id, other_id = kept["customer"]["customer_id"], other["customer"]["customer_id"]
        url = f"/customers/{keep_id}/merge"
        body = {"other_id": other_id}
        assert (await client.post(url, headers=world.wang.headers, json=body)).status_code == 403
        assert (await client.post(url, headers=world.east_leader.headers, json=body)).status_code == 403
        assert (await client.post(url, headers=world.other_manager.headers, json=body)).status_code == 404
        self_merge = await client.post(url, headers=world.manager.headers, json={"other_id": keep_id})
        assert self_merge.status_code == 422 and self_merge.json()["errors"][0]["field"] == "other_id"
        unknown = await client.post(url, headers=world.manager.headers, json={"other_id": str(uuid.uuid4())})
        assert unknown.status_code == 404
        bad_field = await client.post(url, headers=world.manager.headers, json={**body, "take": ["owner"]})
        assert bad_field.status_code == 422

        # A record worked in another department: only someone who sees both merges.
        far = await world.lead(world.other_manager, phone="13900000077", department_id=str(world.other_department))
        across = await client.post(url, headers=world.manager.headers,
                                   json={"other_id": far["customer"]["customer_id"]})
        assert across.status_code == 404 and across.json()["customer_id"] == far["customer"]["customer_id"]
        assert len(await world.rows("SELECT id FROM customers")) == 3, "nothing merged by the refusals"
        assert await world.rows("SELECT id FROM customer_merges") == []
        assert (await client.post(url, headers=world.admin.headers, json=body)).status_code == 200


    async def test_a_record_also_worked_in_another_department_is_for_someone_who_sees_both(
            self, world: World, client: httpx.AsyncClient) -> None:
        kept, other = await two_records(world, client)
        # The dropped record has a second lead, in the other department (as after a transfer).
        async with world.runtime.engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO leads (id, customer_id, source, status, department_id, created_by, created_at) "
                "SELECT gen_random_uuid(), customer_id, source, 'new', :far, created_by, created_at "
                "FROM leads WHERE id = :lead"), {"far": world.other_department, "lead": uuid.UUID(other["id"])})
        url = f"/customers/{kept['customer']['customer_id']}/merge"
        body = {"other_id": other["customer"]["customer_id"]}
        refused = await client.post(url, headers=world.manager.headers, json=body)
        assert refused.status_code == 403 and refused.json()["field"] == "other_id"
        assert (await client.post(url, headers=world.director.headers, json=body)).status_code == 200


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestXlsxImport:
    async def test_good_rows_in_bad_rows_reported_each_on_its_own(self, world: World,
                                                                  client: httpx.AsyncClient) -> None:
        await world.owned_lead(world.wang, "13800009999")
        content = workbook([
            ["姓名", "手机", "邮箱", "公司", "来源"],
            ["Li Na", 13800000001, None, "ACME", "exhibition"],      # 2: created, the phone typed as a number
            ["Bad Phone", "12", None, None, "exhibition"],           # 3: phone
            [None, None, None, None, None],                          # 4: blank, skipped
            ["Owned", "13800009999", None, None, "marketing"],       # 5: duplicate of Wang's customer
            ["By Mail", None, "mail@example.com", None, "billboard"],  # 6: source
            ["Float Phone", 13800000007.0, None, None, "marketing"],  # 7: created
        ])
        response = await client.post("/leads/import", content=content,
                                     headers={**world.manager.headers, "Content-Type": XLSX})
        assert response.status_code == 200, response.text
        report = response.json()
        assert [row["row"] for row in report["created"]] == [2, 7]
        assert [(r["row"], r["field"]) for r in report["refused"]] == [(3, "phone"), (5, "phone"), (6, "source")]
        phones = {row.phone for row in await world.rows("SELECT phone FROM customers")}
        assert phones == {"13800009999", "13800000001", "13800000007"}

        again = await client.post("/leads/import", files={"file": ("leads.xlsx", workbook([
            ["name", "email", "source"], ["X", "x@example.com", "marketing"]]), "application/octet-stream")},
                                  headers=world.manager.headers)
        assert again.status_code == 200 and [r["row"] for r in again.json()["created"]] == [2]

    async def test_a_broken_workbook_is_422(self, world: World, client: httpx.AsyncClient) -> None:
        response = await client.post("/leads/import", content=b"PK\x03\x04not really a zip",
                                     headers={**world.manager.headers, "Content-Type": XLSX})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
        assert await world.rows("SELECT id FROM leads") == []


def read_csv(response: httpx.Response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


class TestExports:
    async def test_scope_masking_and_the_log(self, world: World, client: httpx.AsyncClient) -> None:
        await world.owned_lead(world.wang, "13812345678")
        await world.owned_lead(world.li, "13987654321")

        mine = await client.get("/leads/export", headers=world.wang.headers)
        assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/csv")
        [row] = read_csv(mine)
        assert (row["phone"], row["contact_masked"]) == ("13812345678", "no"), "the owner's own, in full"

        team = await client.get("/leads/export", headers=world.east_leader.headers,
                                params={"format": "xlsx", "status": "assigned"})
        assert team.status_code == 200 and team.headers["content-type"] == XLSX
        sheet = load_workbook(io.BytesIO(team.content)).active
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        phones = sorted(r[header.index("phone")] for r in rows)
        assert phones == ["138****5678", "139****4321"], "the leader reads them masked"

        other = await client.get("/customers/export", headers=world.other_manager.headers)
        assert read_csv(other) == [], "another department's manager exports nothing of ours"

        log = await client.get("/audit/exports", headers=world.admin.headers)
        assert log.status_code == 200
        items = log.json()["items"]
        assert [(i["exported_by"], i["kind"], i["format"], i["row_count"], i["unmasked_rows"]) for i in items] == [
            (str(world.other_manager.id), "customers", "csv", 0, 0),
            (str(world.east_leader.id), "leads", "xlsx", 2, 0),
            (str(world.wang.id), "leads", "csv", 1, 1)]
        assert items[1]["filters"] == {"status": "assigned"}
        disclosed = await world.rows("SELECT disclosed_to FROM contact_disclosures WHERE kind = 'export'")
        assert [row.disclosed_to for row in disclosed] == [world.wang.id]

    async def test_the_audit_logs_are_for_admins_only(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13812345678")
        assert (await client.get(f"/leads/{lead['id']}/contact", headers=world.wang.headers)).status_code == 200
        reveals = await client.get("/audit/reveals", headers=world.admin.headers)
        assert reveals.status_code == 200
        assert [(i["disclosed_to"], i["lead_id"]) for i in reveals.json()["items"]] == [
            (str(world.wang.id), lead["id"])]
        for person in (world.wang, world.east_leader, world.manager, world.director, world.hr):
            for url in ("/audit/exports", "/audit/reveals"):
                assert (await client.get(url, headers=person.headers)).status_code == 403, (person.name, url)

    async def test_a_bad_format_is_422(self, world: World, client: httpx.AsyncClient) -> None:
        response = await client.get("/leads/export", headers=world.manager.headers, params={"format": "pdf"})
        assert response.status_code == 422
        assert await world.rows("SELECT id FROM export_log") == []


class TestExportBound:
    @pytest.fixture
    def crm_settings(self, service_settings) -> CrmSettings:
        return service_settings(CrmSettings, "crm", MIGRATIONS_DIR, export_max_rows=1)

    async def test_an_export_over_the_bound_is_refused_whole_and_not_logged(self, world: World,
                                                                            client: httpx.AsyncClient) -> None:
        await world.owned_lead(world.wang, "13812345678")
        await world.owned_lead(world.li, "13987654321")
        refused = await client.get("/leads/export", headers=world.manager.headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "limit"
        assert await world.rows("SELECT id FROM export_log") == []
        narrowed = await client.get("/leads/export", headers=world.manager.headers,
                                    params={"owner_id": str(world.li.id)})
        assert narrowed.status_code == 200 and len(read_csv(narrowed)) == 1
