"""Cart: a shopper's basket, identified by an unguessable token (kept in the web session or held by an API client)."""
