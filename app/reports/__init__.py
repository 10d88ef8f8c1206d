"""PDF semester reports for funders."""
