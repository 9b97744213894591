"""Account and agency administration for the system administrator, who sees no child data here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.accounts.actions import (
    user_create,
    user_second_factor_reset,
    user_set_active,
    user_setup_link_send,
)
from goldenthread.accounts.models import User
from goldenthread.agencies.actions import (
    agency_create,
    membership_approve,
    membership_create,
    membership_end,
)
from goldenthread.agencies.forms import (
    AgencyCreateForm,
    MembershipCreateForm,
    MembershipEndForm,
    UserCreateForm,
)
from goldenthread.agencies.models import Agency, Membership
from goldenthread.agencies.permissions import CHILD_DATA_ROLES, Permission
from goldenthread.agencies.selectors import memberships_awaiting_approval_for
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest


@require_GET
@permission_required(Permission.MANAGE_USERS)
def users(request: AgencyRequest) -> HttpResponse:
    people = User.objects.order_by("username").prefetch_related("memberships__agency")
    return render(request, "agencies/users.html", {"people": people})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def user_new(request: AgencyRequest) -> HttpResponse:
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if User.objects.filter(username=data["username"]).exists():
            form.add_error("username", "That username is already taken")
        else:
            try:
                user = user_create(by=request.actor, **data)
            except ActionError as exc:
                form_add_problems(form, exc)
            else:
                user_setup_link_send(user=user, by=request.actor, base_url=request.build_absolute_uri("/"))
                messages.success(
                    request,
                    f"Account {user.username} created and a set-up link emailed to {user.email}. "
                    "Now add a membership.",
                )
                return redirect("agencies:user", user_id=user.pk)
    return render(request, "agencies/user_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def user_detail(request: AgencyRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    form = MembershipCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_create(
                user=person,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(
                request,
                "Membership added. It sees child data, so it takes effect when another administrator "
                "or the agency's IG officer approves it"
                if form.cleaned_data["role"] in CHILD_DATA_ROLES
                else "Membership added",
            )
            return redirect("agencies:user", user_id=person.pk)
    memberships = Membership.objects.filter(user=person).select_related("agency", "team", "ended_by")
    return render(
        request, "agencies/user_detail.html", {"person": person, "form": form, "memberships": memberships}
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def membership_end_view(request: AgencyRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user", "agency"), pk=membership_id)
    form = MembershipEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_end(
                membership=membership,
                by=request.actor,
                reason=form.cleaned_data["reason"],
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Membership ended. Any live session for it ends at the next request.")
            return redirect("agencies:user", user_id=membership.user_id)
    return render(request, "agencies/membership_end.html", {"membership": membership, "form": form})


@require_GET
@permission_required(Permission.APPROVE_MEMBERSHIPS)
def memberships_waiting(request: AgencyRequest) -> HttpResponse:
    """Memberships that see child data, waiting for this user's approval as the second person."""
    waiting = memberships_awaiting_approval_for(user=request.user, agency=request.agency)
    return render(request, "agencies/memberships_waiting.html", {"waiting": waiting})


@require_POST
@permission_required(Permission.APPROVE_MEMBERSHIPS)
def membership_approve_view(request: AgencyRequest, membership_id: int) -> HttpResponse:
    waiting = memberships_awaiting_approval_for(user=request.user, agency=request.agency)
    membership = next((m for m in waiting if m.pk == membership_id), None)
    if membership is None:
        raise Http404
    try:
        membership_approve(membership=membership, by=request.actor)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Approved: {membership.user.get_full_name() or membership.user.username} is now "
            f"{membership.get_role_display()} at {membership.agency.name}",
        )
    return redirect("agencies:memberships-waiting")


@require_POST
@permission_required(Permission.MANAGE_USERS)
def user_active(request: AgencyRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    wanted = request.POST.get("active")
    if wanted not in ("true", "false"):
        messages.error(request, "Choose whether to activate or deactivate the account")
    elif person.pk == request.user.pk and wanted == "false":
        messages.error(request, "You cannot deactivate your own account")
    else:
        user_set_active(user=person, active=wanted == "true", by=request.actor)
        messages.success(
            request, "Account activated" if wanted == "true" else "Account deactivated: signed out"
        )
    return redirect("agencies:user", user_id=person.pk)


@require_POST
@permission_required(Permission.MANAGE_USERS)
def user_send_setup_link(request: AgencyRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if person.pk == request.user.pk:
        messages.error(request, "Change your own password from your account page")
    elif not person.email:
        messages.error(request, "This account has no email address to send a set-up link to")
    else:
        user_setup_link_send(user=person, by=request.actor, base_url=request.build_absolute_uri("/"))
        messages.success(
            request, f"Set-up link emailed to {person.email}. Their old password no longer works."
        )
    return redirect("agencies:user", user_id=person.pk)


@require_POST
@permission_required(Permission.MANAGE_USERS)
def user_reset_second_factor(request: AgencyRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    user_second_factor_reset(user=person, by=request.actor)
    messages.success(
        request, "Second factor reset: they will set up a new authenticator at their next sign-in"
    )
    return redirect("agencies:user", user_id=person.pk)


@require_GET
@permission_required(Permission.MANAGE_AGENCIES)
def agencies(request: AgencyRequest) -> HttpResponse:
    rows = Agency.objects.prefetch_related("teams").order_by("name")
    return render(request, "agencies/agencies.html", {"agencies": rows})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_AGENCIES)
def agency_new(request: AgencyRequest) -> HttpResponse:
    form = AgencyCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agency_create(by=request.actor, **form.cleaned_data)
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, f"Agency {form.cleaned_data['name']} added")
            return redirect("agencies:agencies")
    return render(request, "agencies/agency_new.html", {"form": form})
