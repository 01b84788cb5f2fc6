"""Import every domain's models so metadata (Alembic, tests) sees all tables."""
from shop.catalog.models import Category, Farm, Product, ProductPhoto, Region, Variant  # noqa: F401
from shop.cart.models import Cart, CartLine  # noqa: F401
from shop.accounts.models import Address, Customer, LoginThrottle  # noqa: F401
from shop.outbox.models import OutboxMessage  # noqa: F401
from shop.notifications.models import EmailMessage  # noqa: F401
from shop.shipping.models import ShippingRule  # noqa: F401
from shop.orders.models import FarmOrder, Order, OrderEvent, OrderLine, StockReservation  # noqa: F401
from shop.payments.models import Payment, Refund, WebhookEvent  # noqa: F401
