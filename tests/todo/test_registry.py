"""The to-do registry: which kinds a person's roles see, in which order, and how many
items the home page shows of each."""

import datetime as dt

import pytest
from django.urls import reverse

from peersupport import todo
from peersupport.accounts.models import Role
from peersupport.todo import (
    ITEMS_SHOWN,
    TodoItem,
    TodoKind,
    first_items,
    register_todo,
    todo_lists_for,
)
from programmes.models import Participant
from tests.programmes.participant_paths import participant_at

TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' kinds put back afterwards."""
    monkeypatch.setattr(todo, "_KINDS", {})
    return todo._KINDS


def kind(key, roles, order, items, **fields):
    def collect(user, region_ids, today):
        collect.calls.append((user, region_ids, today))
        return items

    collect.calls = []
    return register_todo(
        TodoKind(key=key, title=key, roles=frozenset(roles), order=order, collect=collect, **fields)
    )


def test_a_person_gets_the_kinds_of_their_roles_in_order(registry, coordinator, stockholm):
    """Kinds for roles the person does not hold are not collected; the rest come in
    ``order``, each given the regions where the person holds the kind's roles."""
    later = kind("later", {Role.COORDINATOR}, 20, [])
    first = kind("first", {Role.COORDINATOR, Role.SUPERVISOR}, 10, [])
    theirs = kind("theirs", {Role.UNIT_MANAGER}, 5, [])

    lists = todo_lists_for(coordinator, today=TODAY)

    assert [todo_list.kind.key for todo_list in lists] == ["first", "later"]
    assert first.collect.calls == [(coordinator, [stockholm.pk], TODAY)]
    assert later.collect.calls and not theirs.collect.calls


def test_the_home_page_shows_the_first_items_and_counts_the_rest(registry, coordinator):
    """Of many items the first ``ITEMS_SHOWN`` show; the rest are counted and linked."""
    items = [TodoItem(text=f"Uppgift {n}", url=f"/{n}/") for n in range(ITEMS_SHOWN + 3)]
    kind("many", {Role.COORDINATOR}, 10, items, more_url="workplaces:placement_list")

    (todo_list,) = todo_lists_for(coordinator, today=TODAY)

    assert todo_list.items == items[:ITEMS_SHOWN]
    assert (todo_list.total, todo_list.hidden) == (ITEMS_SHOWN + 3, 3)
    assert todo_list.more_url == reverse("workplaces:placement_list")


@pytest.mark.parametrize("count", [0, 3, ITEMS_SHOWN + 4])
def test_a_kind_counted_in_sql_fetches_only_what_the_page_shows(
    count, registry, coordinator, stockholm, django_assert_num_queries
):
    """``first_items`` makes the first items of a queryset, in its order, and counts all its
    rows in the same single query."""
    for n in range(count):
        participant_at(coordinator, stockholm, full_name=f"Person {n:02d}")

    def make_item(participant):
        return TodoItem(text=participant.full_name, url=f"/{participant.pk}/")

    with django_assert_num_queries(1):
        page = first_items(Participant.objects.order_by("-full_name"), make_item)

    names = [f"Person {n:02d}" for n in reversed(range(count))]
    assert [item.text for item in page.items] == names[:ITEMS_SHOWN]
    assert page.total == count


def test_a_kind_counted_in_sql_shows_its_count_of_the_rest(registry, coordinator):
    """A collector returning ``first_items`` is listed with the total it counted."""
    shown = [TodoItem(text=f"Uppgift {n}", url=f"/{n}/") for n in range(ITEMS_SHOWN)]
    kind("counted", {Role.COORDINATOR}, 10, todo.TodoPage(items=shown, total=ITEMS_SHOWN + 40))

    (todo_list,) = todo_lists_for(coordinator, today=TODAY)

    assert todo_list.items == shown
    assert (todo_list.total, todo_list.hidden) == (ITEMS_SHOWN + 40, 40)


def test_the_rest_link_to_the_full_list_on_the_page(registry, coordinator, client_for):
    """The page says how many more there are and links to where they all are."""
    items = [TodoItem(text=f"Uppgift {n}", url=f"/{n}/") for n in range(ITEMS_SHOWN + 2)]
    kind("many", {Role.COORDINATOR}, 10, items, more_url="workplaces:placement_list")
    kind("none", {Role.COORDINATOR}, 20, [], empty_text="Inga planerade")

    html = client_for(coordinator).get("/").content.decode()

    assert f'href="{reverse("workplaces:placement_list")}"' in html
    assert 'href="/9/"' in html
    assert 'href="/10/"' not in html
    assert "Inga planerade" in html


def test_a_person_without_tasks_is_told_there_is_nothing_to_do(registry, coordinator, client_for):
    kind("none", {Role.COORDINATOR}, 10, [])

    html = client_for(coordinator).get("/").content.decode()

    assert "data-todo-empty" in html


@pytest.mark.english
def test_the_menu_calls_home_to_do_for_the_roles_with_tasks(coordinator, researcher, client_for):
    """Coordinators (and the other roles with tasks) find "To do" first in the menu;
    a researcher, who has none, "Home"."""

    def first_item(user):
        return client_for(user).get("/").context["nav_items"][0]

    assert (first_item(coordinator)["url"], str(first_item(coordinator)["label"])) == (
        "/",
        "To do",
    )
    assert str(first_item(researcher)["label"]) == "Home"
