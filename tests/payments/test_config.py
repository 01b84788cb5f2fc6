"""Payment settings: the gateway choice, Stripe's variables with or without the SHOP_ prefix, and a
webhook secret that exists out of the box in development and fails closed in production."""
import pytest

from shop import config


def load(tmp_path, **environ):
    return config.load(str(tmp_path), environ=environ)


def test_the_embedded_defaults(tmp_path):
    cfg = load(tmp_path)
    assert cfg["PAYMENT_GATEWAY"] == "test"
    assert cfg["RESERVATION_TTL_SECONDS"] == 900
    assert cfg["WEBHOOK_TOLERANCE_SECONDS"] == 300
    assert cfg["STRIPE_SECRET_KEY"] is None and cfg["STRIPE_API_BASE"] is None
    # A local webhook secret, derived from SECRET_KEY, so the test gateway works without setup
    assert cfg["STRIPE_WEBHOOK_SECRET"].startswith("whsec_local_")


def test_the_local_webhook_secret_follows_the_secret_key(tmp_path):
    a = load(tmp_path, SHOP_SECRET_KEY="one")["STRIPE_WEBHOOK_SECRET"]
    b = load(tmp_path, SHOP_SECRET_KEY="two")["STRIPE_WEBHOOK_SECRET"]
    assert a != b and a == load(tmp_path, SHOP_SECRET_KEY="one")["STRIPE_WEBHOOK_SECRET"]
    assert "one" not in a


def test_a_later_secret_key_derives_a_new_local_secret_but_keeps_one_that_was_set(tmp_path):
    # Given settings loaded from the environment, then changed by a test config (as create_app does)
    cfg = load(tmp_path)
    cfg.update({"SECRET_KEY": "changed"})
    config.finish(cfg, str(tmp_path))
    assert cfg["STRIPE_WEBHOOK_SECRET"] == load(tmp_path, SHOP_SECRET_KEY="changed")["STRIPE_WEBHOOK_SECRET"]
    cfg.update({"STRIPE_WEBHOOK_SECRET": "whsec_given"})
    config.finish(cfg, str(tmp_path))
    assert cfg["STRIPE_WEBHOOK_SECRET"] == "whsec_given"


def test_stripe_settings_come_from_stripes_own_variable_names_or_shop_prefixed(tmp_path):
    cfg = load(tmp_path, SHOP_PAYMENT_GATEWAY="stripe", STRIPE_SECRET_KEY="sk_test_plain",
               STRIPE_WEBHOOK_SECRET="whsec_plain", STRIPE_API_BASE="http://127.0.0.1:12111")
    assert (cfg["STRIPE_SECRET_KEY"], cfg["STRIPE_WEBHOOK_SECRET"], cfg["STRIPE_API_BASE"]) == \
        ("sk_test_plain", "whsec_plain", "http://127.0.0.1:12111")
    # And the SHOP_ form wins when both are set
    cfg = load(tmp_path, STRIPE_WEBHOOK_SECRET="whsec_plain", SHOP_STRIPE_WEBHOOK_SECRET="whsec_prefixed")
    assert cfg["STRIPE_WEBHOOK_SECRET"] == "whsec_prefixed"


PRODUCTION = dict(SHOP_ENV="production", SHOP_SECRET_KEY="prod", SHOP_DATABASE_URL="sqlite://",
                  SHOP_PAYMENT_GATEWAY="stripe", STRIPE_SECRET_KEY="sk_live_x", SHOP_PUBLIC_URL="https://shop.example.cn")


def test_production_without_a_webhook_secret_has_none(tmp_path):
    cfg = load(tmp_path, **PRODUCTION)
    assert cfg["STRIPE_WEBHOOK_SECRET"] is None  # the endpoint answers 503
    cfg = load(tmp_path, **PRODUCTION, STRIPE_WEBHOOK_SECRET="whsec_live")
    assert cfg["STRIPE_WEBHOOK_SECRET"] == "whsec_live"


def test_stripe_outside_production_never_derives_a_webhook_secret(tmp_path):
    # A secret derived from a (possibly public) development SECRET_KEY would let anyone sign events
    cfg = load(tmp_path, SHOP_PAYMENT_GATEWAY="stripe", STRIPE_SECRET_KEY="sk_test_x")
    assert cfg["STRIPE_WEBHOOK_SECRET"] is None


@pytest.mark.parametrize("missing, message", [
    ({"SHOP_PAYMENT_GATEWAY": "test"}, "SHOP_PAYMENT_GATEWAY=test"),
    ({"SHOP_PUBLIC_URL": ""}, "SHOP_PUBLIC_URL"),
])
def test_production_refuses_the_test_gateway_and_a_missing_public_url(tmp_path, missing, message):
    with pytest.raises(config.ConfigError, match=message):
        load(tmp_path, **{**PRODUCTION, **missing})


@pytest.mark.parametrize("environ", [{"SHOP_PAYMENT_GATEWAY": "paypal"}, {"SHOP_PAYMENT_GATEWAY": "stripe"}])
def test_an_unusable_gateway_setting_fails_loudly(tmp_path, environ):
    with pytest.raises(config.ConfigError):
        load(tmp_path, **environ)
