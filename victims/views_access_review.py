"""Access review pages for the IDVA team's supervisor (victims.access_review)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.models import AuditEvent, Role
from casework.selectors import SlicePage
from casework.views_access_review import INDIVIDUAL_LIMIT, page_number, remove_access
from victims import access_review as review


@require_GET
def access_review(request):
    victims = review.reviewable_victims(request.user)
    page = SlicePage(
        victims.select_related("team", "idva").order_by("team__name", "-id"), page_number(request)
    )
    grants = list(
        review.direct_grants(victims).order_by("content_object_id", "user__full_name")[:INDIVIDUAL_LIMIT]
    )
    shown = {victim.pk: victim for victim in page}
    shown.update({grant.content_object.pk: grant.content_object for grant in grants})
    audit.record_many(request, AuditEvent.Action.VIEW, list(shown.values()), purpose="access review")
    return render(
        request,
        "victims/access_review/review.html",
        {
            "page": page,
            "members": review.team_members(request.user.team_ids(Role.SUPERVISOR)),
            "grants": [(grant, review.grant_label(grant)) for grant in grants],
            "limit": INDIVIDUAL_LIMIT,
            "more": len(grants) == INDIVIDUAL_LIMIT,
        },
    )


@require_GET
def victim_reach(request, pk):
    victim = review.get_victim_for_review(request.user, pk)
    audit.record(request, AuditEvent.Action.VIEW, victim, purpose="access review")
    return render(
        request,
        "victims/access_review/victim.html",
        {"victim": victim, "people": review.who_can_reach(victim)},
    )


@require_http_methods(["GET", "POST"])
def victim_reach_remove(request, pk, user_pk):
    victim = review.get_victim_for_review(request.user, pk)
    reach = review.reach_of(victim, user_pk)

    def remove(*, user, reason):
        review.victim_access_remove(
            victim=victim, user=user, reason=reason, actor=request.user, request=request
        )

    return remove_access(
        request,
        record=victim,
        reach=reach,
        remove=remove,
        template="victims/access_review/remove.html",
        context={"victim": victim},
        success=f"{reach.user if reach else ''} no longer has a grant to {victim.reference}. Their sessions have ended.",
        done_url=reverse("victims:victim_reach", args=[victim.pk]),
    )
