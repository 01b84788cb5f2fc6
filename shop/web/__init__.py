"""Web layer: thin blueprints that parse input, call one domain function and render."""
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
