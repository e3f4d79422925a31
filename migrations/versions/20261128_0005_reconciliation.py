"""reconciliation: statements, matches, exceptions, daily close

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:30:00
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tables arrive with the reconciliation services; the revision is reserved so that the
    # orders migration (0006) can be written against a fixed parent.
    pass


def downgrade() -> None:
    pass
