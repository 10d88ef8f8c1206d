"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import LoginForm
from app.auth.models import User
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot redirect elsewhere."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user and user.is_active and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("E-mail or password is wrong.")
    return render_template("auth/login.html", form=form), (200 if not form.errors else 400)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("home.index"))
