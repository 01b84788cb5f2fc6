"""factory_boy factories for account rows.  Use inside an app context (the ``session`` fixture)."""
from __future__ import annotations

import factory

from shop.accounts import passwords
from shop.accounts.models import Address, Customer
from tests.factories import Base

PASSWORD = "correct horse battery"


class CustomerFactory(Base):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    display_name = factory.Sequence(lambda n: f"顾客{n}")
    password_hash = factory.LazyFunction(lambda: passwords.hash_password(PASSWORD))


class AddressFactory(Base):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    recipient = "金美玉"
    mobile = "13800138000"
    province = "吉林省"
    city = "延边朝鲜族自治州"
    district = "延吉市"
    street = "光明街 88 号 2 单元 301 室"
    postcode = "133000"
    is_default = False
