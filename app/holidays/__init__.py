"""Public holidays and official days off of each partner's country and region."""
