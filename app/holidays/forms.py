"""The form of a partner's region. It parses; `services.set_region` decides what is valid."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.holidays.regions import region_names


class RegionForm(FlaskForm):
    # Any value reaches the service, which refuses an unknown region with its own message.
    region = SelectField(_l("Region for public holidays"), validate_choice=False)
    submit = SubmitField(_l("Save region"))

    def offer(self, country: str) -> None:
        """The country's subdivisions as choices, after 'national holidays only'."""
        self.region.choices = [SelectChoice("", _l("None: national holidays only"))] + [
            SelectChoice(code, f"{code} – {name}" if name != code else code)
            for code, name in sorted(region_names(country).items())
        ]
