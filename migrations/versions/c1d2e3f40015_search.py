"""search: one document per event, practice, outcome and person, indexed by each
database's full-text search (SQLite FTS5, PostgreSQL tsvector with unaccent and GIN)

Revision ID: c1d2e3f40015
Revises: c1d2e3f40012
Create Date: 2026-12-04 18:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c1d2e3f40015"
down_revision = "c1d2e3f40014"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        kind, title, body, keywords,
        content='search_document', content_rowid='id',
        tokenize = "unicode61 remove_diacritics 2"
    )""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, kind, title, body, keywords)
        VALUES (new.id, new.kind, new.title, new.body, new.keywords);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, kind, title, body, keywords)
        VALUES ('delete', old.id, old.kind, old.title, old.body, old.keywords);
    END""",
    """CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, kind, title, body, keywords)
        VALUES ('delete', old.id, old.kind, old.title, old.body, old.keywords);
        INSERT INTO search_fts(rowid, kind, title, body, keywords)
        VALUES (new.id, new.kind, new.title, new.body, new.keywords);
    END""",
]

# unaccent() is only STABLE (its dictionary could change), so an index expression or a
# generated column cannot call it; this wrapper names the dictionary and is IMMUTABLE.
POSTGRES_UNACCENT = """
CREATE OR REPLACE FUNCTION search_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""
# The words of a text as the index reads them: unaccented, and with the characters that
# make PostgreSQL's parser read tags, e-mail addresses, hosts or paths as one token (or
# drop them) turned into spaces, so words are found the way FTS5 finds them.
POSTGRES_WORDS = """
CREATE OR REPLACE FUNCTION search_words(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT translate(search_unaccent($1), '<>@/\\.:&_', '         ') $$
"""
POSTGRES_VECTOR = [
    """ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_words(title)), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_words(body)), 'B')
        || setweight(to_tsvector('simple'::regconfig, search_words(keywords)), 'C')
    ) STORED""",
    "CREATE INDEX ix_search_document_search_vector ON search_document USING gin (search_vector)",
]


def upgrade():
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_search_document_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("kind", "object_id", name="uq_search_document_object"),
    )
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_document_project_id"), ["project_id"], unique=False
        )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema = bind.scalar(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            )
        )
        op.execute(POSTGRES_UNACCENT.format(schema=schema))
        op.execute(POSTGRES_WORDS)
        for statement in POSTGRES_VECTOR:
            op.execute(statement)
    else:
        for statement in SQLITE_FTS:
            op.execute(statement)
    # What the database already holds becomes searchable now (a new one has nothing yet).
    from app.search.documents import rebuild

    rebuild(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_table("search_document")
        op.execute("DROP FUNCTION IF EXISTS search_words(text)")
        op.execute("DROP FUNCTION IF EXISTS search_unaccent(text)")
    else:
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.drop_table("search_document")  # its triggers go with it
