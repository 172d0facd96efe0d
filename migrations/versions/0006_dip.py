"""PPID: the OPDs' periodic performance reports (informasi berkala of the DIP)

Revision ID: 0006_dip
Revises: 0005_ppid
Create Date: 2026-11-29 12:04:30.239909

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_dip'
down_revision = '0005_ppid'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('periodic_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('responsible_name', sa.String(length=120), nullable=False),
    sa.Column('responsible_position', sa.String(length=255), nullable=False),
    sa.Column('made_place', sa.String(length=64), nullable=False),
    sa.Column('made_date', sa.Date(), nullable=False),
    sa.Column('form_available', sa.String(length=120), nullable=False),
    sa.Column('retention', sa.String(length=120), nullable=False),
    sa.Column('file_key', sa.String(length=80), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', name='report_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status <> 'published' OR (file_key IS NOT NULL AND published_at IS NOT NULL)", name=op.f('ck_periodic_report_published_has_file')),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_periodic_report_quarter_range')),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_periodic_report_opd_id_opd')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_periodic_report_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_report')),
    sa.UniqueConstraint('opd_id', 'year', 'quarter', name=op.f('uq_periodic_report_opd_id_year_quarter'))
    )
    with op.batch_alter_table('periodic_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_report_status'), ['status'], unique=False)


def downgrade():
    # Dropping the table drops its indexes (MariaDB refuses to drop an index a foreign key uses).
    op.drop_table('periodic_report')
