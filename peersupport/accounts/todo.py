"""The accounts' tasks on the coordinator's home page (see ``peersupport.todo``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.todo import TodoItem, TodoKind, register_todo

from .invitations import invitations_not_accepted
from .models import Role


def _invitations_not_accepted(user, region_ids, today) -> list[TodoItem]:
    return [
        TodoItem(
            text=str(person),
            url=reverse("accounts:person_detail", args=[person.pk]),
            detail=_("Has not chosen a password: send the invitation again"),
        )
        for person in invitations_not_accepted(region_ids, today=today)
    ]


register_todo(
    TodoKind(
        key="invitations_not_accepted",
        title=_("Invitations not accepted after 7 days"),
        roles=frozenset({Role.COORDINATOR}),
        order=50,
        collect=_invitations_not_accepted,
        more_url="accounts:person_list",
    )
)
