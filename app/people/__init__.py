"""People: each partner's directory of staff, experts and local stakeholders."""
