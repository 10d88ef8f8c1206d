"""Sign in (throttled), sign out, and the account page with its personal API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from app.activity import security
from app.api import tokens
from app.auth import second_factor, services, sign_ins
from app.auth.forms import ApiTokenForm, LoginForm, PasswordForm, TimezoneForm
from app.auth.models import User
from app.auth.permissions import can_write_with_api
from app.errors import DomainError
from app.extensions import db, login_manager
from app.redirects import safe_next
from app.versioning import StaleEdit, refusal, version_of
from app.view_helpers import field_error

bp = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Sign in to see this page.")
# Flask-Login flashes the message as is: made a str in the reader's language then.
login_manager.localize_callback = str


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The account, only while the cookie's sign-in is live (app.auth.sign_ins)."""
    user = db.session.get(User, int(user_id))
    return user if user is not None and sign_ins.is_current(user) else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = services.check_sign_in(form.email.data, form.password.data)
        except services.SignInRefused as refused:
            form.password.errors.append(refused.message)
            status = refused.status
            if refused.retry_after:
                headers["Retry-After"] = str(refused.retry_after)
        else:
            if user.has_second_factor:  # not signed in yet: the code comes first
                second_factor.begin_sign_in(user, safe_next(request.args.get("next")))
                return redirect(url_for("second_factor.code"))
            login_user(user)
            security.record("signed_in", user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.post("/logout")
@login_required
def logout():
    security.record("signed_out", current_user)
    sign_ins.end_current()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("home.index"))


@bp.post("/account/sign-out-others")
@login_required
def sign_out_others():
    """End every other session of this account; this one stays."""
    ended = sign_ins.end_others(current_user)
    security.record(
        "signed_out_all", current_user, detail=f"other sessions ended: {ended}; this one stays"
    )
    db.session.commit()
    flash(
        ngettext(
            "Signed out everywhere else (%(num)d other session).",
            "Signed out everywhere else (%(num)d other sessions).",
            ended,
        )
    )
    return redirect(url_for("auth.account"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this account, this one too."""
    ended = sign_ins.end_all(current_user)
    security.record("signed_out_all", current_user, detail=f"sessions ended: {ended}, this one too")
    db.session.commit()
    logout_user()
    flash(_("You are signed out everywhere."))
    return redirect(url_for("home.index"))


def _zone_form(**kwargs) -> TimezoneForm:
    from app.events.forms import zone_choices

    partner_zone = current_user.partner.timezone if current_user.partner else None
    if partner_zone:
        first = _("My partner's zone (%(zone)s)", zone=partner_zone)
    else:
        first = _("Each event's own zone")
    form = TimezoneForm(prefix="zone", **kwargs)
    form.timezone.choices = [("", first)] + zone_choices()
    return form


def _token_form(**kwargs) -> ApiTokenForm:
    """The new-token form; a funder's offers "Read" only (the service refuses the rest)."""
    form = ApiTokenForm(prefix="token", **kwargs)
    if not can_write_with_api():
        form.scope.choices = [form.scope.choices[0]]
    return form


def _account_page(
    *,
    password_form: PasswordForm | None = None,
    zone_form: TimezoneForm | None = None,
    token_form: ApiTokenForm | None = None,
    new_token: tuple | None = None,
    status: int = 200,
):
    """The account page; the forms not given are fresh. `new_token` is (row, raw token),
    shown this once: the answer is never stored."""
    user = current_user._get_current_object()
    if password_form is None:
        password_form = PasswordForm(formdata=None)
        password_form.version.data = version_of(user)
    if zone_form is None:
        zone_form = _zone_form(formdata=None)
        zone_form.timezone.data = user.preferred_timezone or ""
        zone_form.version.data = version_of(user)
    page = render_template(
        "auth/account.html",
        form=password_form,
        zone_form=zone_form,
        token_form=token_form or _token_form(formdata=None),
        api_tokens=tokens.live_tokens(user),
        new_token=new_token,
        user=current_user,
    )
    return page, status, {"Cache-Control": "no-store"} if new_token else {}


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()  # the row itself: versioning inspects it
    password_form = PasswordForm(formdata=None)
    zone_form = _zone_form()
    if "zone-timezone" not in request.form:
        zone_form.timezone.data = current_user.preferred_timezone or ""
    if request.method == "GET":
        zone_form.version.data = password_form.version.data = version_of(user)
    status = 200
    if request.method == "POST" and "zone-submit_zone" in request.form:
        if zone_form.validate_on_submit():
            try:
                services.set_timezone(
                    user, zone_form.timezone.data, seen_version=zone_form.version.data or ""
                )
                if current_user.timezone:
                    flash(_("Times are now shown in %(zone)s", zone=current_user.timezone))
                else:
                    flash(_("Times are now shown in each event's zone."))
                return redirect(url_for("auth.account"))
            except (DomainError, StaleDataError) as exc:
                db.session.rollback()
                exc = refusal(exc, user, zone_form.version.data)
                zone_form.timezone.errors.append(exc.message)
                if isinstance(exc, StaleEdit):
                    zone_form.version.data = version_of(user)
                    status = 409
        status = status if status == 409 else 400
    elif request.method == "POST":
        password_form = PasswordForm()
        if password_form.validate_on_submit():
            try:
                services.change_password(
                    user,
                    password_form.current_password.data,
                    password_form.new_password.data,
                    seen_version=password_form.version.data or "",
                )
                flash(_("Your password is changed."))
                return redirect(url_for("auth.account"))
            except (DomainError, StaleDataError) as exc:
                db.session.rollback()
                exc = refusal(exc, user, password_form.version.data)
                if isinstance(exc, StaleEdit):
                    password_form.version.data = version_of(user)
                    flash(exc.message, "error")
                    status = 409
                else:
                    getattr(password_form, exc.field).errors.append(exc.message)
        status = status if status == 409 else 400
    return _account_page(password_form=password_form, zone_form=zone_form, status=status)


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def create_api_token():
    """A new personal API token, shown once in the answer to this POST (never in the
    session, a flash or a cache). A GET (a reload, a link back) goes to the account page."""
    if request.method == "GET":
        query = request.query_string.decode()
        return redirect(url_for("auth.account") + (f"?{query}" if query else ""))
    form = _token_form()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            token, raw = tokens.create_token(user, form.name.data, form.scope.data)
        except DomainError as exc:
            db.session.rollback()
            field_error(form, exc)
        else:
            db.session.commit()
            return _account_page(new_token=(token, raw))
    return _account_page(token_form=form, status=400)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of one's own tokens; anyone else's, or an unknown one, is 404."""
    try:
        token = tokens.revoke_token(current_user._get_current_object(), token_id)
    except DomainError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name))
    return redirect(url_for("auth.account", _anchor="api-tokens-heading"))


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    """An expired or missing form token: say what to do instead of a bare 400."""
    return render_template(
        "errors/page.html",
        title=_("This form has expired"),
        message=_(
            "The page was open too long, or you signed in or out in another tab. "
            "Go back, reload the page and submit the form again."
        ),
    ), 400


@bp.app_errorhandler(403)
def forbidden(error):
    return render_template(
        "errors/page.html",
        title=_("Not allowed"),
        message=_(
            "Your account may read this but not change it. Coordinators change every event; "
            "a partner editor changes the events their city hosts and their own attendance."
        ),
    ), 403
