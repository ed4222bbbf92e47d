"""One goal as JSON a case system can take (GL-10), modelled on HL7 FHIR R5's Goal resource.

- `description.text` is the young person's words now, exactly as given (GL-2); earlier words
  are `note`s, each with when and by whom (GL-9).
- `expressedBy` is the young person: the goal is theirs, whoever typed it in.
- `lifecycleStatus` and `achievementStatus` use FHIR's own codes; `startDate` is the day it
  was made at the council; there is no `target` (a goal has no due date here), and, as
  FHIR's JSON asks, nothing is given as an empty list.
- Each rating is an `Observation` in `contained`, referred to from `outcome`, on its own
  scale and with its raw value: 0 to 10 as a whole number, the pictures as their names. No
  rating is converted, and there is no score, average or percentage (GL-3, Std 12).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.goals import GoalState, Scale
from bot.services.goal_records import GoalFile

SYSTEM = "https://waypoint.nowrongdoor.example/fhir"
# FHIR's goal-achievement code system (http://hl7.org/fhir/R5/valueset-goal-achievement.html).
ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

_LIFECYCLE = {
    GoalState.DRAFT: "proposed",
    GoalState.SUGGESTED: "proposed",
    GoalState.ACTIVE: "active",
    GoalState.PAUSED: "on-hold",
    GoalState.DONE: "completed",
    GoalState.DROPPED: "cancelled",
}
# Only what is known without comparing ratings: "improving" or "worsening" would be a score.
_ACHIEVEMENT = {
    GoalState.ACTIVE: "in-progress",
    GoalState.PAUSED: "in-progress",
    GoalState.DONE: "achieved",
}
_SCALES = {
    Scale.TEN: "Goal Based Outcomes, 0 (not started) to 10 (done)",
    Scale.PICTURES: "Talking Mats three points: going well, sometimes, not going well",
}

Json = dict[str, object]


def _who(file: GoalFile, kind: str, who: int | None) -> Json:
    """A FHIR Reference to whoever did something."""
    if kind == "young_person":
        return {
            "type": "Patient",
            "identifier": {"system": f"{SYSTEM}/young-person", "value": str(who)},
            "display": file.first_name,
        }
    if kind == "staff" and who is not None:
        return {
            "type": "Practitioner",
            "identifier": {"system": f"{SYSTEM}/staff", "value": str(who)},
            "display": file.staff_names.get(who, f"staff {who}"),
        }
    return {"display": {"operator": "hub IT operator"}.get(kind, "Waypoint")}


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _rating(file: GoalFile, index: int) -> Json:
    rating = file.ratings[index]
    value: Json = (
        {"valueInteger": int(rating.value)}
        if rating.scale is Scale.TEN
        else {
            "valueCodeableConcept": {
                "coding": [{"system": f"{SYSTEM}/goal-pictures", "code": rating.value}]
            }
        }
    )
    return {
        "resourceType": "Observation",
        "id": f"rating-{rating.id}",
        "status": "final",
        "code": {
            "coding": [{"system": f"{SYSTEM}/goal-rating-scale", "code": rating.scale.value}],
            "text": _SCALES[rating.scale],
        },
        "effectiveDateTime": _instant(rating.at),
        "performer": [_who(file, rating.by_type, rating.by_id)],
        **value,
        "extension": [
            {"url": f"{SYSTEM}/goal-words-version", "valueInteger": rating.version},
            {"url": f"{SYSTEM}/baseline", "valueBoolean": rating.baseline},
        ],
    }


def goal_export(file: GoalFile) -> Json:
    """The goal as one FHIR-shaped Goal resource (see the module's docstring)."""
    goal = file.goal
    *earlier, now = file.versions
    ratings = [_rating(file, index) for index in range(len(file.ratings))]
    exported: Json = {
        "resourceType": "Goal",
        "id": str(goal.id),
        "identifier": [{"system": f"{SYSTEM}/goal", "value": str(goal.id)}],
        "lifecycleStatus": _LIFECYCLE[goal.state],
        "description": {"text": now.words},
        "subject": _who(file, "young_person", file.young_person_id),
        "expressedBy": _who(file, goal.expressed_by_type, goal.expressed_by_id),
        "startDate": goal.created_at.astimezone(file.zone).date().isoformat(),
        "statusDate": goal.changed_at.astimezone(file.zone).date().isoformat(),
    }
    # FHIR's JSON allows no empty lists: what there is none of is left out (so no `target`).
    if earlier:
        exported["note"] = [
            {
                "time": _instant(version.at),
                "text": version.words,
                "authorReference": _who(file, version.by_type, version.by_id),
            }
            for version in earlier
        ]
    if ratings:
        exported["contained"] = ratings
        exported["outcome"] = [{"reference": {"reference": f"#{r['id']}"}} for r in ratings]
    if goal.state in _ACHIEVEMENT:
        exported["achievementStatus"] = {
            "coding": [{"system": ACHIEVEMENT, "code": _ACHIEVEMENT[goal.state]}]
        }
    if goal.area is not None:
        exported["category"] = [
            {"coding": [{"system": f"{SYSTEM}/no-wrong-door-area", "code": goal.area.value}]}
        ]
    return exported
