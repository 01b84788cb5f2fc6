import pytest

from shop.shipping.models import ShippingMode, ShippingRule
from shop.shipping.services import quote_shipping


def by_weight(**kw):
    base = dict(mode=ShippingMode.BY_WEIGHT, flat_fee_fen=0, first_weight_g=1000, first_fee_fen=1200,
                extra_weight_g=500, extra_fee_fen=300, free_above_fen=None)
    base.update(kw)
    return ShippingRule(**base)


@pytest.mark.parametrize("weight_g, fee", [(1, 1200), (1000, 1200), (1001, 1500), (1500, 1500), (1501, 1800)])
def test_by_weight_charges_first_weight_then_each_started_step(weight_g, fee):
    assert quote_shipping(by_weight(), goods_fen=5000, weight_g=weight_g) == fee


def test_flat_rule_ignores_weight():
    rule = ShippingRule(mode=ShippingMode.FLAT, flat_fee_fen=800, first_weight_g=1000, first_fee_fen=0,
                        extra_weight_g=1000, extra_fee_fen=0, free_above_fen=None)
    assert quote_shipping(rule, 100, 1) == quote_shipping(rule, 100, 50_000) == 800


def test_free_from_the_threshold_exactly():
    rule = by_weight(free_above_fen=9900)
    assert quote_shipping(rule, 9899, 3000) > 0
    assert quote_shipping(rule, 9900, 3000) == 0


def test_farm_without_rule_uses_platform_default():
    assert quote_shipping(None, 1000, 500) == 1000
    assert quote_shipping(None, 9900, 500) == 0
