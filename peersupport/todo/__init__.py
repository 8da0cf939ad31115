"""The to-do registry: what each person's home page ("Att göra") lists.

The core never imports an app: each app registers, from a module its
``AppConfig.ready()`` imports (``<app>/todo.py``), the kinds of task it knows about::

    register_todo(TodoKind(
        key="placements_awaiting_agreement",
        title=_("Placements awaiting agreement"),
        roles=frozenset({Role.COORDINATOR}),
        order=10,
        collect=placements_awaiting_agreement,
        more_url="workplaces:placement_list",
    ))

``collect(user, region_ids, today)`` returns the person's open tasks of that kind as
``TodoItem`` rows, each linking to the page where the task is done; a kind whose tasks can
run to hundreds (at national scale) returns ``first_items(queryset, make_item)`` instead,
the first ``ITEMS_SHOWN`` items with the count of all of them, in one query. ``region_ids`` are
the regions where the person holds one of the kind's ``roles`` (a unit manager's kinds
narrow further to their workplaces themselves); ``today`` is the local date. A collector
issues a fixed number of queries whatever the number of rows (the home page's query-count
tests pin the sum), and returns its items in the order they should be shown (most urgent
first). A kind with no items shows "Nothing to do".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.functional import Promise

from peersupport.accounts.scoping import region_ids_for, roles_of

Text = str | Promise

# The home page lists this many items of a kind and links to the full list for the rest.
ITEMS_SHOWN = 10


@dataclass(frozen=True)
class TodoItem:
    """One task: what to do, where to do it, and a count or a date to sort and show.

    ``count`` says how many things the line stands for (e.g. "3 sessions to confirm");
    ``date`` is when it falls or fell due; ``late`` marks a date already passed.
    ``detail`` is a short second line (a region, a workplace, a group).
    """

    text: Text
    url: str
    count: int | None = None
    date: dt.date | None = None
    detail: Text = ""
    late: bool = False


@dataclass(frozen=True)
class TodoPage:
    """A kind's first items and how many there are in all (``first_items``)."""

    items: list[TodoItem]
    total: int


def first_items(queryset: QuerySet, make_item: Callable[[object], TodoItem]) -> TodoPage:
    """The first ``ITEMS_SHOWN`` rows of ``queryset`` (ordered most urgent first) made into
    items, and the number of all its rows, in one query: a window count is taken before
    the LIMIT, so the rows the home page does not show are never fetched."""
    rows = list(queryset.annotate(todo_total=Window(Count("pk")))[:ITEMS_SHOWN])
    return TodoPage(items=[make_item(row) for row in rows], total=rows[0].todo_total if rows else 0)


@dataclass(frozen=True)
class TodoKind:
    """A kind of task: its heading on the home page, who sees it, where it sorts, and the
    function that collects its items. ``more_url`` is the name of the URL that lists
    every item of the kind, linked when there are more than the home page shows."""

    key: str
    title: Text
    roles: frozenset[str]
    order: int
    collect: Callable[[object, list[int], dt.date], list[TodoItem] | TodoPage]
    more_url: str = ""
    # Said instead of the items when there are none; "Nothing to do" when left empty.
    empty_text: Text = ""


@dataclass
class TodoList:
    """A kind's items for one person, cut to what the home page shows."""

    kind: TodoKind
    items: list[TodoItem] = field(default_factory=list)
    total: int = 0

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)

    @property
    def more_url(self) -> str:
        return reverse(self.kind.more_url) if self.kind.more_url else ""


_KINDS: dict[str, TodoKind] = {}


def register_todo(kind: TodoKind) -> TodoKind:
    """Add a kind of task to the home pages; apps call this from ``AppConfig.ready()``."""
    _KINDS[kind.key] = kind
    return kind


def todo_kinds() -> list[TodoKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def todo_lists_for(user, *, today: dt.date, roles: set[str] | None = None) -> list[TodoList]:
    """The person's tasks, one list per kind their roles see (in ``order``).

    ``roles`` narrows to some of the person's roles (one section of the home page).
    """
    held = roles_of(user) if roles is None else roles_of(user) & roles
    lists = []
    for kind in todo_kinds():
        kind_roles = kind.roles & held
        if not kind_roles:
            continue
        found = kind.collect(user, sorted(region_ids_for(user, *kind_roles)), today)
        if isinstance(found, TodoPage):
            lists.append(TodoList(kind=kind, items=found.items[:ITEMS_SHOWN], total=found.total))
        else:
            lists.append(TodoList(kind=kind, items=found[:ITEMS_SHOWN], total=len(found)))
    return lists
