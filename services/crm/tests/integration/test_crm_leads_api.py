"""Leads through the API against a real, migrated PostgreSQL: entry, duplicates, CSV import, scope,
masking and the reveal log."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
from crm_world import World


class TestCreatingLeads:
    async def test_a_lead_is_stored_normalised_and_announced_without_contact_details(self, world: World) -> None:
        lead = await world.lead(world.manager, phone="+86 138-1234-5678", email="Li.Na@Example.COM",
                                name="Li Na", company="ACME", source="exhibition", intent_level="high")

        assert (lead["status"], lead["outcome"], lead["department_id"]) == ("new", "created", str(world.sales))
        assert lead["customer"]["phone"] == "138****5678", "the manager is not the owner: masked"
        stored = await world.rows("SELECT phone, email FROM customers")
        assert [(row.phone, row.email) for row in stored] == [("13812345678", "li.na@example.com")]
        [(event_type, envelope)] = await world.outbox()
        assert event_type == "crm.lead.created.v1"
        assert envelope["data"]["source"] == "exhibition"
        assert "1234" not in json.dumps(envelope) and "example" not in json.dumps(envelope).lower()

    async def test_unknown_source_and_missing_contact_are_422_naming_the_field(self, world: World,
                                                                              client: httpx.AsyncClient) -> None:
        unknown = await client.post("/leads", json={"name": "X", "phone": "13812345678", "source": "billboard"},
                                    headers=world.manager.headers)
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["field"] == "source"
        no_contact = await client.post("/leads", json={"name": "X", "source": "marketing"},
                                       headers=world.manager.headers)
        assert no_contact.status_code == 422
        bad_phone = await client.post("/leads", json={"name": "X", "source": "marketing", "phone": "12"},
                                      headers=world.manager.headers)
        assert bad_phone.status_code == 422 and bad_phone.json()["errors"][0]["field"] == "phone"
        assert await world.rows("SELECT id FROM leads") == []

    async def test_hr_may_not_create_leads(self, world: World) -> None:
        await world.lead(world.hr, phone="13812345678", expect=403)

    async def test_a_rep_owns_the_lead_they_found(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.wang, phone="13900001111", source="own_prospecting")

        assert (lead["status"], lead["owner_id"], lead["group_id"]) == ("assigned", str(world.wang.id),
                                                                        str(world.east))
        assert lead["customer"]["phone"] == "13900001111", "the owner reads their own customer in full"
        assert await world.outbox_types() == ["crm.lead.created.v1", "crm.lead.assigned.v1"]


class TestDuplicates:
    async def test_a_known_phone_is_refused_naming_the_owner_masked(self, world: World) -> None:
        await world.owned_lead(world.wang, "13812345678")
        before = await world.outbox_types()

        refused = await world.lead(world.manager, phone="008613812345678", expect=409)

        assert refused["owner_id"] == str(world.wang.id)
        assert refused["owner"] == "Wang **"
        assert "owned by rep Wang **" in refused["detail"]
        assert refused["matched_on"] == ["phone"]
        assert len(await world.rows("SELECT id FROM leads")) == 1
        assert await world.outbox_types() == before

    async def test_a_known_email_in_a_group_pool_is_refused_as_in_the_pool(self, world: World) -> None:
        lead = await world.lead(world.manager, email="boss@acme.cn")
        await world.to_group(lead, world.east)

        refused = await world.lead(world.manager, email="BOSS@acme.cn", expect=409)

        assert refused["held"] == "in the pool of a group" and "owner_id" not in refused

    async def test_link_joins_the_known_customer_and_keeps_it_with_its_rep(self, world: World,
                                                                           client: httpx.AsyncClient) -> None:
        first = await world.owned_lead(world.wang, "13812345678")

        response = await client.post("/leads?on_duplicate=link", headers=world.manager.headers,
                                     json={"name": "Someone", "phone": "138 1234 5678", "source": "referral_customer"})
        assert response.status_code == 201, response.text
        linked = response.json()

        assert linked["outcome"] == "linked"
        assert linked["customer"]["customer_id"] == first["customer"]["customer_id"]
        assert (linked["owner_id"], linked["status"]) == (str(world.wang.id), "assigned")
        assert len(await world.rows("SELECT id FROM customers")) == 1
        [assigned] = [e for t, e in await world.outbox() if t == "crm.lead.assigned.v1"
                      and e["data"]["lead_id"] == linked["id"]]
        assert assigned["data"]["strategy"] == "duplicate_link"

    async def test_link_does_not_identify_a_customer_the_caller_cannot_see(self, world: World,
                                                                           client: httpx.AsyncClient) -> None:
        # Wang's customer; Li (same group, sees only her own), the assistant and another department's
        # manager may learn that a duplicate exists, not who it is, what company, or who holds it.
        await world.lead(world.manager, phone="13812345678", name="Secret Person", company="Secret Corp")
        first = (await world.rows("SELECT id FROM leads"))[0]
        await world.to_group({"id": str(first.id)}, world.east)
        await world.to_rep({"id": str(first.id)}, world.wang)
        before = await world.outbox_types()
        for caller in (world.li, world.assistant, world.other_manager):
            response = await client.post("/leads?on_duplicate=link", headers=caller.headers,
                                         json={"name": "Someone", "phone": "138 1234 5678", "source": "marketing",
                                               **({"department_id": str(world.other_department)}
                                                  if caller is world.other_manager else {})})
            assert response.status_code == 409, response.text
            body = response.text
            assert "Secret" not in body and "Wang" not in body and str(world.wang.id) not in body
            assert response.json()["held"] == "in another scope" and response.json()["matched_on"] == ["phone"]
            customer_ids = [str(row.id) for row in await world.rows("SELECT id FROM customers")]
            assert not any(customer_id in body for customer_id in customer_ids)
        assert len(await world.rows("SELECT id FROM leads")) == 1, "nothing written"
        assert await world.outbox_types() == before

    async def test_phone_and_email_of_two_different_customers_cannot_be_linked(self, world: World,
                                                                              client: httpx.AsyncClient) -> None:
        await world.lead(world.manager, phone="13812345678")
        await world.lead(world.manager, email="a@b.cn")
        response = await client.post("/leads?on_duplicate=link", headers=world.manager.headers,
                                     json={"name": "X", "phone": "13812345678", "email": "a@b.cn",
                                           "source": "marketing"})
        assert response.status_code == 409
        assert len(response.json()["existing_customer_ids"]) == 2


CSV = (
    "name,phone,email,company,source,notes\n"
    "Li Na,+86 138 0000 0001,,ACME,exhibition,met at the fair\n"     # 2: created
    "Bad Phone,12,,,exhibition,\n"                                   # 3: phone
    ",13800000003,,,exhibition,\n"                                   # 4: name
    "\n"                                                             # 5: blank, skipped
    "No Source,13800000006,,,,\n"                                    # 6: source (no default given)
    "Same Again,8613800000001,,,marketing,\n"                        # 7: duplicate of row 2
    "Owned Elsewhere,13800009999,,,marketing,\n"                     # 8: duplicate of Wang's customer
    "By Mail,,Mail@Example.com,,web_social,\n"                       # 9: created
    "Odd Source,13800000010,,,billboard,\n"                          # 10: source
)


class TestCsvImport:
    async def test_mixed_rows_keep_the_valid_ones_and_report_each_refusal(self, world: World,
                                                                         client: httpx.AsyncClient) -> None:
        await world.owned_lead(world.wang, "13800009999")
        response = await client.post("/leads/import", content=CSV.encode(),
                                     headers={**world.manager.headers, "Content-Type": "text/csv"})
        assert response.status_code == 200, response.text
        report = response.json()

        assert [row["row"] for row in report["created"]] == [2, 9]
        assert report["linked"] == []
        assert [(r["row"], r["field"]) for r in report["refused"]] == [
            (3, "phone"), (4, "name"), (6, "source"), (7, "phone"), (8, "phone"), (10, "source")]
        owned_elsewhere = report["refused"][4]
        assert owned_elsewhere["details"]["owner"] == "Wang **"
        assert report["ignored_columns"] == ["notes"]
        assert len(await world.rows("SELECT id FROM leads")) == 3  # Wang's and the two created
        assert (await world.outbox_types()).count("crm.lead.created.v1") == 3

    async def test_multipart_upload_with_link_and_a_default_source(self, world: World,
                                                                  client: httpx.AsyncClient) -> None:
        await world.owned_lead(world.wang, "13800009999")
        sheet = "姓名,手机\n张三,13800009999\n李四,13800000002\n".encode("gb18030")
        response = await client.post("/leads/import", params={"on_duplicate": "link", "source": "exhibition"},
                                     files={"file": ("leads.csv", sheet, "text/csv")}, headers=world.manager.headers)
        assert response.status_code == 200, response.text
        report = response.json()

        assert [row["row"] for row in report["created"]] == [2 + 1]
        assert [row["row"] for row in report["linked"]] == [2]
        linked = await world.rows("SELECT owner_id, source FROM leads WHERE id = :id",
                                  id=uuid.UUID(report["linked"][0]["lead_id"]))
        assert [(row.owner_id, row.source) for row in linked] == [(world.wang.id, "exhibition")]

    async def test_a_file_without_the_needed_columns_is_refused_whole(self, world: World,
                                                                     client: httpx.AsyncClient) -> None:
        response = await client.post("/leads/import", content=b"company,source\nACME,marketing\n",
                                     headers={**world.manager.headers, "Content-Type": "text/csv"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "file"

    async def test_a_rep_may_not_import(self, world: World, client: httpx.AsyncClient) -> None:
        response = await client.post("/leads/import", content=CSV.encode(),
                                     headers={**world.wang.headers, "Content-Type": "text/csv"})
        assert response.status_code == 403
        assert await world.rows("SELECT id FROM leads") == []


class TestScopeAndMasking:
    async def test_each_role_sees_its_own_scope(self, world: World, client: httpx.AsyncClient) -> None:
        wangs = await world.owned_lead(world.wang, "13800000001")
        lis = await world.owned_lead(world.li, "13800000002")
        zhous = await world.owned_lead(world.zhou, "13800000003", group_id=world.west)

        async def visible(person) -> set[str]:
            response = await client.get("/leads", headers=person.headers)
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        assert await visible(world.wang) == {wangs["id"]}
        assert await visible(world.east_leader) == {wangs["id"], lis["id"]}
        assert await visible(world.manager) == {wangs["id"], lis["id"], zhous["id"]}
        assert await visible(world.other_manager) == set()
        assert await visible(world.director) == {wangs["id"], lis["id"], zhous["id"]}

        assert (await client.get(f"/leads/{lis['id']}", headers=world.wang.headers)).status_code == 404
        assert (await client.get(f"/leads/{zhous['id']}", headers=world.east_leader.headers)).status_code == 404
        assert (await client.get(f"/leads/{wangs['id']}", headers=world.other_manager.headers)).status_code == 404

    async def test_the_owner_reads_the_phone_in_full_everyone_else_masked(self, world: World,
                                                                          client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13812345678")

        async def phone(person) -> str:
            response = await client.get(f"/leads/{lead['id']}", headers=person.headers)
            assert response.status_code == 200, response.text
            return response.json()["customer"]["phone"]

        assert await phone(world.wang) == "13812345678"
        assert await phone(world.east_leader) == "138****5678"
        assert await phone(world.manager) == "138****5678"
        assert await phone(world.director) == "138****5678"

    async def test_reveals_are_for_the_owner_and_permitted_roles_and_each_is_logged(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13812345678")
        url = f"/leads/{lead['id']}/contact"

        owner = await client.get(url, headers=world.wang.headers)
        assert owner.status_code == 200 and owner.json()["phone"] == "13812345678"
        assert (await client.get(url, headers=world.east_leader.headers)).status_code == 403
        assert (await client.get(url, headers=world.li.headers)).status_code == 404
        assert (await client.get(url, headers=world.admin.headers)).status_code == 200

        log = await world.rows("SELECT disclosed_to, kind, customer_id FROM contact_disclosures ORDER BY at")
        assert [(row.disclosed_to, row.kind) for row in log] == [(world.wang.id, "reveal"), (world.admin.id, "reveal")]
        assert {str(row.customer_id) for row in log} == {lead["customer"]["customer_id"]}


async def test_two_simultaneous_leads_for_one_new_customer_make_one_customer_and_a_409(
        world: World, client: httpx.AsyncClient) -> None:
    # Both pass the duplicate check before either commits; the unique key turns the loser into a 409.
    body = {"name": "Racer", "phone": "13812345678", "source": "marketing"}
    responses = await asyncio.gather(*(client.post("/leads", json=body, headers=world.manager.headers)
                                       for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert {r.json()["field"] for r in responses if r.status_code == 409} == {"phone"}
    assert len(await world.rows("SELECT id FROM customers")) == 1
    assert len(await world.rows("SELECT id FROM leads")) == 1
