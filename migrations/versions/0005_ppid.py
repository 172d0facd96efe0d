"""PPID: holidays, information requests and objections

Revision ID: 0005_ppid
Revises: 0004_agreements
Create Date: 2026-11-29 10:29:16.497387

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_ppid'
down_revision = '0004_agreements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('date', name=op.f('uq_holiday_date'))
    )
    op.create_table('ppid_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ppid_counter'))
    )
    op.create_table('information_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('contact', sa.String(length=120), nullable=False),
    sa.Column('information', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('form', sa.Enum('softcopy', 'hardcopy', 'lihat', name='info_form', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('delivery', sa.Enum('ambil', 'pos', 'email', name='info_delivery', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('extended_until', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('received', 'extended', 'answered', 'refused', name='request_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status <> 'answered' OR (answer IS NOT NULL AND answered_at IS NOT NULL)", name=op.f('ck_information_request_answered_has_answer')),
    sa.CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name=op.f('ck_information_request_refused_has_reason')),
    sa.CheckConstraint('extended_until IS NULL OR extension_reason IS NOT NULL', name=op.f('ck_information_request_extension_has_reason')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_information_request_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_information_request_opd_id_opd'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_request')),
    sa.UniqueConstraint('number', name=op.f('uq_information_request_number'))
    )
    with op.batch_alter_table('information_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_request_opd_id'), ['opd_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_information_request_status'), ['status'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('received', 'answered', name='objection_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status <> 'answered' OR (answer IS NOT NULL AND answered_at IS NOT NULL)", name=op.f('ck_objection_answered_has_answer')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_objection_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['information_request.id'], name=op.f('fk_objection_request_id_information_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection')),
    sa.UniqueConstraint('request_id', name=op.f('uq_objection_request_id'))
    )


def downgrade():
    # Dropping the tables drops their indexes (MariaDB refuses to drop an index a foreign key uses).
    op.drop_table('objection')
    op.drop_table('information_request')
    op.drop_table('ppid_counter')
    op.drop_table('holiday')
