"""Mail: invitations and updates written to an outbox in the change's transaction, sent by a
worker over SMTP."""
