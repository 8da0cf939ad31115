"""National benchmark data for supervision: supervisors, groups, sessions and attendance.

Built in bulk, not through ``supervision.actions`` (see ``peersupport.accounts.scale``):
the rows are those the actions would have left, dated explicitly. Per region every placed
peer supporter (now or before) is in a supervision group of three to six, or has an
individual arrangement; the region's supervisors share the groups unevenly. Each group
meets about weekly from its first member's placement until six weeks ahead: held
sessions with attendance recorded (present, absent, excused; some confirmed and rated by
the peer supporter), some cancelled with a reason, a few recent ones whose attendance is
still missing, and planned ones to come. Groups whose members have all left placement
are inactive. A few held sessions carry the supervisor's private note (encrypted).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from peersupport.accounts.scale import STOCKHOLM, Plan, apportion

from .models import (
    ArrangementKind,
    AttendanceStatus,
    SessionAttendance,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTheme,
    Supervisor,
    SupervisorNote,
)

CANCELLED_REASONS = ("Handledaren sjuk.", "Krockade med en utbildningsdag.", "Röd dag.")
EXCUSES = ("Sjuk", "Semester", "Möte på arbetsplatsen")
NOTES = (
    "Gruppen tog upp gränsdragning mot personalen; följ upp nästa gång.",
    "Bra energi, flera delade erfarenheter av svåra samtal.",
    "Prata om återhämtning och egen vila nästa gång.",
)


def build(plan: Plan) -> None:
    rng, today, now = plan.rng, plan.today, plan.now
    placements = plan.shared["placements"]
    by_peer: dict[int, list] = defaultdict(list)
    for p in placements:
        if p.status in ("active", "ended"):
            by_peer[p.peer.participant].append(p)

    supervisor_rows, supervisors = [], {}
    ids = iter(plan.bulk.reserve_ids(Supervisor, sum(len(r.supervisors) for r in plan.regions)))
    for region in plan.regions:
        supervisors[region.pk] = []
        for user in region.supervisors:
            pk = next(ids)
            supervisor_rows.append(
                (pk, user, region.pk, rng.random() < 0.8, now - dt.timedelta(days=800))
            )
            supervisors[region.pk].append((pk, user))
    plan.bulk.copy(
        Supervisor, ["id", "user", "region", "experience_based", "created_at"], supervisor_rows
    )

    window = today - dt.timedelta(days=730)
    horizon = today + dt.timedelta(days=42)
    groups = []  # (region, kind, members, start, end, active)
    for region in plan.regions:
        members = sorted(
            (
                peer_placements
                for peer_placements in by_peer.values()
                if peer_placements[0].peer.region.pk == region.pk
            ),
            key=lambda ps: min(p.start for p in ps),
        )
        chunks, position = [], 0
        while position < len(members):
            size = rng.randint(3, 6)
            chunks.append(members[position : position + size])
            position += size
        # Half of them also meet their supervisor one to one.
        chunks += [[ps] for ps in members if rng.random() < 0.5]
        for chunk in chunks:
            start = max(window, min(p.start for ps in chunk for p in ps))
            active = any(p.status == "active" for ps in chunk for p in ps)
            end = horizon if active else max(p.end for ps in chunk for p in ps)
            if end <= start:
                continue
            kind = ArrangementKind.INDIVIDUAL if len(chunk) == 1 else ArrangementKind.GROUP
            groups.append((region, kind, [ps[0].peer for ps in chunk], start, end, active))

    supervisor_weights = {
        region: [1 / (rank + 1) ** 0.3 for rank in range(len(choices))]
        for region, choices in supervisors.items()
    }
    group_ids = list(plan.bulk.reserve_ids(SupervisionGroup, len(groups)))
    group_rows, member_rows, numbers = [], [], defaultdict(int)
    for pk, (region, kind, members, start, _end, active) in zip(group_ids, groups, strict=True):
        numbers[region.pk, kind] += 1
        number = numbers[region.pk, kind]
        name = (
            f"Handledningsgrupp {number}"
            if kind == ArrangementKind.GROUP
            else f"Individuell handledning {number}"
        )
        # The supervisors share the groups unevenly: the first in the list leads the most.
        choices = supervisors[region.pk]
        supervisor = rng.choices(choices, weights=supervisor_weights[region.pk])[0]
        group_rows.append(
            (
                pk,
                region.pk,
                kind,
                name,
                supervisor[0],
                rng.randint(0, 4),
                dt.time(13, 0) if kind == ArrangementKind.GROUP else dt.time(9, 30),
                90 if kind == ArrangementKind.GROUP else 60,
                f"Brukarföreningens lokal, {region.name.removeprefix('Region ')}",
                "",
                active,
                plan.now - dt.timedelta(days=(today - start).days + 14),
            )
        )
        member_rows.extend((pk, peer.participant) for peer in members)
    plan.bulk.copy(
        SupervisionGroup,
        [
            "id",
            "region",
            "kind",
            "name",
            "supervisor",
            "weekday",
            "start_time",
            "duration_minutes",
            "place",
            "video_link",
            "active",
            "created_at",
        ],
        group_rows,
    )
    plan.bulk.copy(
        SupervisionGroup.members.through, ["supervisiongroup", "participant"], member_rows
    )

    spans = [max(1, (end - start).days) for _r, _k, _m, start, end, _a in groups]
    quotas = apportion(plan.count(60_000), spans)
    supervisor_user = {row[0]: row[1] for row in supervisor_rows}
    session_rows, attendance_rows, held = [], [], []
    total = sum(min(q, s) for q, s in zip(quotas, spans, strict=True))
    session_ids = iter(plan.bulk.reserve_ids(SupervisionSession, total))
    themes = SupervisionTheme.values
    recent = now - dt.timedelta(days=21)
    for row, group, quota, span in zip(group_rows, groups, quotas, spans, strict=True):
        group_pk, start_time, duration, user = row[0], row[6], row[7], supervisor_user[row[4]]
        members = group[2]
        count = min(quota, span)
        step = span / count if count else 0
        for i in range(count):
            day = group[3] + dt.timedelta(days=int(i * step))
            starts = dt.datetime.combine(day, start_time, tzinfo=STOCKHOLM)
            pk = next(session_ids)
            status, reason, cancelled_at, recorded_at, chosen = "planned", "", None, None, "[]"
            past = starts < now
            if rng.random() < 0.04:
                status, reason = SessionStatus.CANCELLED, rng.choice(CANCELLED_REASONS)
                cancelled_at = min(starts - dt.timedelta(days=2), now)
            elif past and not (starts > recent and rng.random() < 0.1):
                recorded_at = starts + dt.timedelta(minutes=duration + 60)
                chosen = json.dumps(rng.sample(themes, k=rng.randint(1, 2)))
                held.append((pk, user))
            session_rows.append(
                (
                    pk,
                    group_pk,
                    starts,
                    duration,
                    row[8],
                    "",
                    status,
                    reason,
                    cancelled_at,
                    chosen,
                    recorded_at,
                    starts - dt.timedelta(days=14),
                    user,
                )
            )
            for peer in members:
                if recorded_at is None:
                    attendance_rows.append(
                        (pk, peer.participant, "", "", None, None, None, None, "")
                    )
                    continue
                roll = rng.random()
                if roll < 0.86:
                    confirmed = roll < 0.3
                    attendance_rows.append(
                        (
                            pk,
                            peer.participant,
                            AttendanceStatus.PRESENT,
                            "",
                            recorded_at,
                            user,
                            min(recorded_at + dt.timedelta(days=1), now) if confirmed else None,
                            rng.randint(3, 5) if confirmed else None,
                            "",
                        )
                    )
                elif roll < 0.93:
                    attendance_rows.append(
                        (
                            pk,
                            peer.participant,
                            AttendanceStatus.ABSENT,
                            "",
                            recorded_at,
                            user,
                            None,
                            None,
                            "",
                        )
                    )
                else:
                    attendance_rows.append(
                        (
                            pk,
                            peer.participant,
                            AttendanceStatus.EXCUSED,
                            rng.choice(EXCUSES),
                            recorded_at,
                            user,
                            None,
                            None,
                            "",
                        )
                    )
    plan.bulk.copy(
        SupervisionSession,
        [
            "id",
            "group",
            "starts_at",
            "duration_minutes",
            "place",
            "video_link",
            "status",
            "cancelled_reason",
            "cancelled_at",
            "themes",
            "attendance_recorded_at",
            "created_at",
            "created_by",
        ],
        session_rows,
    )
    plan.bulk.copy(
        SessionAttendance,
        [
            "session",
            "participant",
            "status",
            "reason",
            "recorded_at",
            "recorded_by",
            "confirmed_at",
            "rating",
            "comment",
        ],
        attendance_rows,
    )
    noted = rng.sample(held, k=min(len(held), plan.count(300, minimum=1)))
    plan.bulk.create(
        [
            SupervisorNote(session_id=pk, author_id=user, text=rng.choice(NOTES))
            for pk, user in noted
        ]
    )
