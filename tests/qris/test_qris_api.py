"""QRIS over HTTP: scope, images decoded with zxing-cpp byte for byte, cards, decode."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pasar_pay.entrypoints.wiring import Container
from tests.api.conftest import auth
from tests.qris.conftest import (
    KIOS_BILL,
    KIOS_STALL,
    LEGI_BILL,
    LOS_BILL,
    decode_png,
    decode_svg,
    inline_svg,
)

Api = tuple[TestClient, dict[str, str]]


def test_bill_code_scope(api: Api) -> None:
    client, t = api
    mine = client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["sri"]))
    assert mine.status_code == 200
    body = mine.json()
    assert body["amount"] == 215_670
    assert body["amount_display"] == "Rp 215.670"
    assert body["merchant"]["fictitious"] is True
    assert body["dynamic"] is True
    assert body["images"]["png"] == f"/qris/intents/{body['intent_id']}/qr.png"
    assert client.get(f"/bills/{LEGI_BILL}/qris", headers=auth(t["sri"])).status_code == 404
    assert client.get(f"/bills/{LEGI_BILL}/qris", headers=auth(t["manager"])).status_code == 404
    assert client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["manager"])).status_code == 200
    assert client.get(f"/bills/{LEGI_BILL}/qris", headers=auth(t["finance"])).status_code == 200
    assert client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["shopper"])).status_code == 403
    assert client.get(f"/bills/{KIOS_BILL}/qris").status_code == 401
    same = client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["finance"])).json()
    assert same["intent_id"] == body["intent_id"]
    assert same["payload"] == body["payload"]
    other = f"/qris/intents/{body['intent_id']}"
    assert client.get(other, headers=auth(t["budi"])).status_code == 404
    assert client.get(other + "/qr.png", headers=auth(t["budi"])).status_code == 404


def test_several_bills_by_post(api: Api) -> None:
    client, t = api
    body = {"bill_ids": [KIOS_BILL, LOS_BILL]}
    first = client.post("/bills/qris", json=body, headers=auth(t["sri"]))
    assert first.status_code == 201
    again = client.post("/bills/qris", json=body, headers=auth(t["sri"]))
    assert again.status_code == 200
    assert again.json()["intent_id"] == first.json()["intent_id"]
    assert sorted(first.json()["bill_ids"]) == sorted(body["bill_ids"])
    mixed = client.post(
        "/bills/qris", json={"bill_ids": [KIOS_BILL, LEGI_BILL]}, headers=auth(t["finance"])
    )
    assert mixed.status_code == 422
    assert mixed.json()["code"] == "qris.mixed_vendors"
    empty = client.post("/bills/qris", json={"bill_ids": []}, headers=auth(t["sri"]))
    assert empty.status_code == 422


def test_every_intent_image_and_card_decodes_to_the_payload(api: Api, qris: Container) -> None:
    client, t = api
    code = client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["sri"])).json()
    payload = code["payload"].encode("utf-8")
    for name in ("png", "png_print"):
        image = client.get(code["images"][name], headers=auth(t["sri"]))
        assert image.headers["content-type"] == "image/png"
        assert decode_png(image.content) == payload
    for name in ("svg", "svg_print"):
        image = client.get(code["images"][name], headers=auth(t["sri"]))
        assert image.headers["content-type"].startswith("image/svg+xml")
        assert decode_svg(image.text) == payload
    card = client.get(code["images"]["card"], headers=auth(t["sri"]))
    assert card.headers["content-type"].startswith("text/html")
    html = card.text
    assert decode_svg(inline_svg(html)) == payload
    for text in (
        "SATU QRIS UNTUK SEMUA",
        "NMID: " + code["merchant"]["nmid"],
        code["merchant"]["name"],
        "Rp 215.670",
        "Berlaku sampai 03-11-2026 10:00 WIB",
        "FICTITIOUS",
    ):
        assert text in html
    hits, _, _ = qris.qr_images.info()
    client.get(code["images"]["png"], headers=auth(t["sri"]))
    assert qris.qr_images.info()[0] == hits + 1  # served from the cache


def test_stall_code_images_and_printable_card(api: Api) -> None:
    client, t = api
    code = client.get(f"/stalls/{KIOS_STALL}/qris", headers=auth(t["sri"]))
    assert code.status_code == 200
    body = code.json()
    assert body["dynamic"] is False
    assert body["terminal_label"] == "K01-001"
    payload = body["payload"].encode()
    for name in ("png", "png_print"):
        assert (
            decode_png(client.get(body["images"][name], headers=auth(t["sri"])).content) == payload
        )
    for name in ("svg", "svg_print"):
        assert decode_svg(client.get(body["images"][name], headers=auth(t["sri"])).text) == payload
    html = client.get(body["images"]["card"], headers=auth(t["collector"])).text
    assert decode_svg(inline_svg(html)) == payload
    assert "SATU QRIS UNTUK SEMUA" in html
    assert "K01-001" in html
    assert "Rp " not in html
    assert client.get(f"/stalls/{KIOS_STALL}/qris", headers=auth(t["budi"])).status_code == 404
    legi = "/stalls/PSR-LEGI-L01-001/qris"
    assert client.get(legi, headers=auth(t["manager"])).status_code == 404
    assert client.get("/stalls/NOPE-1/qris", headers=auth(t["finance"])).status_code == 404


def test_decode_shows_merchant_and_known_flag(api: Api) -> None:
    client, t = api
    payload = client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["sri"])).json()["payload"]
    for kwargs in ({"content": payload + "\n"}, {"json": {"payload": payload}}):
        found = client.post("/qris/decode", headers=auth(t["shopper"]), **kwargs)  # type: ignore[arg-type]
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["valid"] is True
        assert body["point_of_initiation"] == "dynamic"
        assert body["merchant"]["nmid"].startswith("ID")
        assert body["merchant"]["name"]
        assert body["amount"] == "215670"
        assert body["known_merchant"] == {"id": "market:PSR-GEDE", "fictitious": True}
    assert client.post("/qris/decode", content=payload).status_code == 401


GARBAGE: list[bytes] = [
    b"",
    b"   \n",
    b"\xff\xfe\x00garbage",
    bytes(range(256)),
    b"\x00" * 100,
    b"A" * 100_000,
    b"0" * 5000,
    b"000201",
    b"00020101021163040000",
    b"0002010102116304ZZZZ",
    "00020101021159\u00e9\u00e9".encode(),
    b'{"payload": 5}',
    b"99" * 400,
    b"0099" + b"x" * 99,
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate
]


@pytest.mark.parametrize("raw", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_422_with_findings_never_500(api: Api, raw: bytes) -> None:
    client, t = api
    for content_type in ("text/plain", "application/json", "application/octet-stream"):
        answer = client.post(
            "/qris/decode",
            content=raw,
            headers={**auth(t["sri"]), "content-type": content_type},
        )
        assert answer.status_code == 422, (raw[:40], content_type, answer.text[:300])
        body = answer.json()
        assert body["code"] == "qris.invalid"
        assert body["findings"]
        assert all(f["severity"] in ("error", "warning") for f in body["findings"])


def test_a_tampered_code_shows_its_merchant_with_findings(api: Api) -> None:
    client, t = api
    payload = client.get(f"/bills/{KIOS_BILL}/qris", headers=auth(t["sri"])).json()["payload"]
    tampered = payload.replace("215670", "215679")
    answer = client.post("/qris/decode", content=tampered, headers=auth(t["sri"]))
    assert answer.status_code == 422
    body = answer.json()
    assert "qris.crc_mismatch" in {f["code"] for f in body["findings"]}
    assert body["merchant"]["nmid"]
    assert body["merchant"]["name"]


def test_only_finance_registers_merchants(api: Api) -> None:
    client, t = api
    body = {
        "market": "PSR-LEGI",
        "acquirer_code": "BANKJATENG",
        "guid": "ID.CO.BANKJATENG.WWW",
        "pan": "9360011300000000025",
        "merchant_id": "000000000000025",
        "nmid": "ID1026000000025",
        "mcc": "9399",
        "criteria": "URE",
        "name": "RETRIBUSI PASAR LEGI",
        "city": "SURAKARTA",
        "postal_code": "57131",
    }
    assert client.post("/qris/merchants", json=body, headers=auth(t["manager"])).status_code == 403
    made = client.post("/qris/merchants", json=body, headers=auth(t["finance"]))
    assert made.status_code == 201
    assert made.json()["fictitious"] is False
    bad = client.post(
        "/qris/merchants", json={**body, "nmid": "XX1026000000025"}, headers=auth(t["finance"])
    )
    assert bad.status_code == 422
    assert bad.json()["findings"]
    listed = client.get("/qris/merchants", headers=auth(t["manager"])).json()
    assert [m["id"] for m in listed] == ["market:PSR-GEDE"]
