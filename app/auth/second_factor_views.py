"""The second factor's screens: the code step of a sign-in, and setting it up, turning it
off and replacing recovery codes from the account. Also the rule that keeps a coordinator
on the set-up page while REQUIRE_2FA_FOR_COORDINATORS is on and theirs is off."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.auth import second_factor
from app.auth.forms import SecondFactorChangeForm, SecondFactorCodeForm, SecondFactorConfirmForm
from app.errors import DomainError
from app.extensions import db

bp = Blueprint("second_factor", __name__)

#: What a coordinator who must set up the second factor may still open.
OPEN_DURING_SET_UP = frozenset(
    {
        "static",
        "auth.logout",
        "second_factor.manage",
        "second_factor.start",
        "second_factor.confirm",
        "second_factor.cancel",
    }
)


@bp.before_app_request
def coordinators_set_up_first():
    if request.endpoint in OPEN_DURING_SET_UP or request.endpoint is None:
        return None
    if request.path.startswith("/api/"):  # token callers: app.api.auth, no pages to send to
        return None
    if second_factor.set_up_required(current_user):
        return redirect(url_for("second_factor.manage"))
    return None


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """After a right password: the code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    pending = second_factor.pending_sign_in()
    if pending is None:
        flash(_("Sign in with your e-mail and password first (or again: that step expired)."))
        return redirect(url_for("auth.login"))
    form = SecondFactorCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = second_factor.complete_sign_in(pending, form.code.data)
        except second_factor.CodeRefused as refused:
            if refused.start_again:
                flash(refused.message, "error")
                return redirect(url_for("auth.login"))
            form.code.errors.append(refused.message)
            status = 429 if refused.paused else 400
        else:
            login_user(user)
            return redirect(pending["next"])
    elif form.errors:
        status = 400
    return render_template("auth/second_factor_code.html", form=form), status


def _manage_page(confirm_form=None, off_form=None, codes_form=None, status=200):
    user = current_user._get_current_object()
    qr_code = key = None
    if not user.has_second_factor and user.second_factor_pending_key:
        qr_code = second_factor.qr_code_data_uri(second_factor.provisioning_uri(user))
        key = second_factor.grouped_key(user.second_factor_pending_key)
    return render_template(
        "auth/second_factor.html",
        user=user,
        required=second_factor.set_up_required(user),
        qr_code=qr_code,
        key=key,
        issuer=second_factor.issuer(),
        codes_left=second_factor.recovery_codes_left(user) if user.has_second_factor else 0,
        confirm_form=confirm_form or SecondFactorConfirmForm(formdata=None),
        off_form=off_form or SecondFactorChangeForm(formdata=None, prefix="off"),
        codes_form=codes_form or SecondFactorChangeForm(formdata=None, prefix="codes"),
    ), status


@bp.get("/account/second-factor")
@login_required
def manage():
    return _manage_page()


@bp.post("/account/second-factor/start")
@login_required
def start():
    """A new key to scan; nothing changes for signing in until a code confirms it."""
    try:
        second_factor.start_set_up(current_user._get_current_object())
    except DomainError as exc:
        flash(exc.message, "error")
    return redirect(url_for("second_factor.manage"))


@bp.post("/account/second-factor/cancel")
@login_required
def cancel():
    second_factor.cancel_set_up(current_user._get_current_object())
    return redirect(url_for("second_factor.manage"))


@bp.post("/account/second-factor/confirm")
@login_required
def confirm():
    form = SecondFactorConfirmForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_set_up(current_user._get_current_object(), form.code.data)
        except DomainError as exc:
            db.session.rollback()
            form.code.errors.append(exc.message)
        else:
            return _recovery_codes_page(codes, _("The second factor is on."))
    return _manage_page(confirm_form=form, status=400)


@bp.post("/account/second-factor/off")
@login_required
def turn_off():
    form = SecondFactorChangeForm(prefix="off")
    if form.validate_on_submit():
        try:
            second_factor.turn_off(
                current_user._get_current_object(), form.password.data, form.code.data
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.code).errors.append(exc.message)
        else:
            flash(_("The second factor is off: signing in asks for your password only."))
            return redirect(url_for("auth.account"))
    return _manage_page(off_form=form, status=400)


@bp.post("/account/second-factor/recovery-codes")
@login_required
def new_recovery_codes():
    form = SecondFactorChangeForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = second_factor.replace_recovery_codes(
                current_user._get_current_object(), form.password.data, form.code.data
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.code).errors.append(exc.message)
        else:
            return _recovery_codes_page(
                codes, _("New recovery codes: the old ones no longer work.")
            )
    return _manage_page(codes_form=form, status=400)


def _recovery_codes_page(codes: list[str], title: str):
    """Shown once, in the answer to the form: never stored, never in a redirect's session."""
    response = render_template("auth/recovery_codes.html", codes=codes, title=title)
    return response, 200, {"Cache-Control": "no-store"}
