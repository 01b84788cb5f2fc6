"""Hostile bytes in a signature header or a JSON body get a clear 400, never a 500."""
import pytest

from shop.payments import signing


@pytest.mark.parametrize("header", ["t=1,v1=é", "t=1,v1=\udcff", "t=１,v1=abc", "t=1,v1=" + "字" * 64])
def test_non_ascii_signature_is_rejected_not_crashed(header):
    with pytest.raises(signing.SignatureError):
        signing.verify_signature("whsec_x", b"{}", header)


def test_non_ascii_signature_header_is_a_400_at_the_endpoint(client):
    resp = client.post("/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=é".encode().decode("latin-1")})
    assert resp.status_code == 400


def test_absurdly_nested_json_is_a_400(client):
    token = client.post("/api/v1/carts").get_json()["token"]
    for path in (f"/api/v1/carts/{token}/lines", f"/api/v1/carts/{token}/checkout"):
        resp = client.post(path, data="[" * 100_000, content_type="application/json")
        assert resp.status_code == 400
        assert resp.get_json()["error"]["code"] == "invalid_body"
