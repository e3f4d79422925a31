"""orders: catalog, checkouts, orders, payouts, webhooks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:30:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tables arrive with the online-order services (revision reserved, see 0005).
    pass


def downgrade() -> None:
    pass
