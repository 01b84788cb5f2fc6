"""Shipping fees.  Pure arithmetic on integer fen and grams."""
from __future__ import annotations

from shop.shipping.models import ShippingMode, ShippingRule

DEFAULT_RULE = ShippingRule(mode=ShippingMode.FLAT, flat_fee_fen=1000, first_weight_g=1000, first_fee_fen=1000,
                            extra_weight_g=1000, extra_fee_fen=500, free_above_fen=9900)


def quote_shipping(rule: ShippingRule | None, goods_fen: int, weight_g: int) -> int:
    """The shipping fee in fen for one farm's parcel of ``weight_g`` grams worth ``goods_fen``.

    Free when the goods total reaches the rule's threshold; otherwise flat, or first weight plus
    each started extra weight step.
    """
    rule = rule or DEFAULT_RULE
    if goods_fen < 0 or weight_g < 0:
        raise ValueError("goods total and weight must not be negative")
    if rule.free_above_fen is not None and goods_fen >= rule.free_above_fen:
        return 0
    if rule.mode == ShippingMode.FLAT:
        return rule.flat_fee_fen
    over = max(0, weight_g - rule.first_weight_g)
    steps = -(-over // rule.extra_weight_g)  # ceiling division in integers
    return rule.first_fee_fen + steps * rule.extra_fee_fen
