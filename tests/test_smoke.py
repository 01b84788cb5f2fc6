from tests.factories import ProductFactory


def test_healthz_reports_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["database"]["status"] == "ok"


def test_product_summary_follows_variants(session):
    p = ProductFactory(variants=[{"price_fen": 3000, "stock": 0}, {"price_fen": 2000, "stock": 0}])
    assert p.price_from_fen == 2000
    assert p.in_stock is False
