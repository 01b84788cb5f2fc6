"""Who is acting: the ``Actor`` value every use case that changes state is told about.

An actor is what the audit log records (``Actor.ref``: ``customer:3``, ``guest``, ``operator:li``,
``system:reservation_expiry``, ``stripe``…) and what authorisation decides on
(``shop.access.load_for``).  The web layer makes one from the request
(``shop.web.accounts.auth.current_actor``); a worker task acts as ``Actor.system(...)`` or as the
payment gateway whose event it applies; the CLI acts as an operator.

This module imports nothing from the project: every domain may depend on it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ActorKind(str, enum.Enum):
    SHOPPER = "customer"  # a signed-in customer
    GUEST = "guest"  # a shopper without an account, possibly holding an order's access token
    FARM_MEMBER = "farm_member"  # a member of one farm or co-operative
    AGENT = "agent"  # someone acting on behalf of a farm (a co-operative's or a county's agent)
    OPERATOR = "operator"  # Harvest Bridge staff
    SYSTEM = "system"  # a background task or a scheduled job
    GATEWAY = "gateway"  # a payment gateway (or, later, a carrier) whose event is being applied


@dataclass(frozen=True)
class Actor:
    """One actor.  Build it with the class methods; compare and hash it like a value."""

    kind: ActorKind
    id: int | None = None  # the customer's or the user's id
    farm_id: int | None = None  # the farm a member or an agent acts for
    name: str = ""  # the operator's login, the task's or the gateway's name
    #: An order's access token a guest holds (from the link in an email).  Never stored or logged.
    token: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def shopper(cls, customer_id: int, token: str | None = None) -> "Actor":
        return cls(ActorKind.SHOPPER, id=customer_id, token=token)

    @classmethod
    def guest(cls, token: str | None = None) -> "Actor":
        return cls(ActorKind.GUEST, token=token)

    @classmethod
    def farm_member(cls, user_id: int, farm_id: int) -> "Actor":
        return cls(ActorKind.FARM_MEMBER, id=user_id, farm_id=farm_id)

    @classmethod
    def agent(cls, user_id: int, farm_id: int) -> "Actor":
        return cls(ActorKind.AGENT, id=user_id, farm_id=farm_id)

    @classmethod
    def operator(cls, name: str) -> "Actor":
        return cls(ActorKind.OPERATOR, name=name)

    @classmethod
    def system(cls, task: str = "") -> "Actor":
        return cls(ActorKind.SYSTEM, name=task)

    @classmethod
    def gateway(cls, name: str) -> "Actor":
        return cls(ActorKind.GATEWAY, name=name)

    @property
    def ref(self) -> str:
        """What the audit log stores (at most 80 characters)."""
        kind = self.kind
        if kind == ActorKind.SHOPPER:
            ref = f"customer:{self.id}"
        elif kind == ActorKind.GUEST:
            ref = "guest"
        elif kind in (ActorKind.FARM_MEMBER, ActorKind.AGENT):
            ref = f"{kind.value}:{self.id}@farm:{self.farm_id}"
        elif kind == ActorKind.OPERATOR:
            ref = f"operator:{self.name}"
        elif kind == ActorKind.GATEWAY:
            ref = self.name  # the gateway's name, as payments have always recorded it
        else:
            ref = f"system:{self.name}" if self.name else "system"
        return ref[:80]

    def is_customer(self, customer_id: int | None) -> bool:
        """True for the signed-in customer ``customer_id`` (never for a guest or a missing id)."""
        return self.kind == ActorKind.SHOPPER and customer_id is not None and self.id == customer_id

    def acts_for_farm(self, farm_id: int | None) -> bool:
        """True for a member of, or an agent acting for, the farm ``farm_id``."""
        return self.kind in (ActorKind.FARM_MEMBER, ActorKind.AGENT) and farm_id is not None \
            and self.farm_id == farm_id

    @property
    def is_operator(self) -> bool:
        return self.kind == ActorKind.OPERATOR

    def __str__(self) -> str:
        return self.ref


SYSTEM = Actor.system()
