"""Province scale: the cascade's month values and scores kept per indicator, the OPDs' entry counts, their queue and lock

Revision ID: 0007_rollups
Revises: 0006_dip
Create Date: 2026-11-29 15:40:00

Every existing indicator is queued; `flask maintenance rollups` (run by `make run`, and by the
first commit that changes anything) computes them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_rollups'
down_revision = '0006_dip'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_rollup',
    sa.Column('indicator_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('provisional', sa.Boolean(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=True),
    sa.Column('entry', sa.Boolean(), nullable=False),
    sa.Column('month_values', sa.Text(), nullable=False),
    sa.Column('month_scores', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('indicator_id', 'provisional', name=op.f('pk_indicator_rollup'))
    )
    op.create_index('ix_indicator_rollup_year', 'indicator_rollup', ['year'], unique=False)
    op.create_table('entry_count',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opd_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entered', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'opd_id', 'month', name=op.f('pk_entry_count'))
    )
    op.create_table('rollup_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_queue'))
    )
    op.create_table('rollup_lock',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('turns', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_lock'))
    )
    op.execute("INSERT INTO rollup_lock (id, turns) VALUES (1, 0)")
    # The province's scorecards by their kind (the governor's office inbox), not by a scan of 20,000.
    op.create_index('ix_scorecard_owner_kind_year', 'scorecard', ['owner_kind', 'year'], unique=False)
    op.execute("INSERT INTO rollup_queue (indicator_id) SELECT id FROM indicator")


def downgrade():
    op.drop_index('ix_scorecard_owner_kind_year', table_name='scorecard')
    op.drop_table('rollup_lock')
    op.drop_table('rollup_queue')
    op.drop_table('entry_count')
    op.drop_index('ix_indicator_rollup_year', table_name='indicator_rollup')
    op.drop_table('indicator_rollup')
