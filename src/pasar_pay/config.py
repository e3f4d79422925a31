"""Settings from the environment (prefix `PASAR_PAY_`), safe defaults for the embedded SQLite."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - refused outside development


class Mode(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PASAR_PAY_", extra="ignore")

    mode: Mode = Mode.DEVELOPMENT
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: sqlite file in data_dir
    secret_key: str = DEV_SECRET  # encrypts bank client secrets at rest
    # Ed25519 key signing the daily digest of chain heads; generated in data_dir in development.
    digest_key_path: Path | None = None
    max_body_bytes: int = 256 * 1024
    page_size_max: int = 500
    snap_prefix: str = "/snap"
    snap_timestamp_window_seconds: int = 300
    public_base_url: str = "http://127.0.0.1:8000"
    # Outbound SNAP (pasar_pay -> acquirer): our RSA key for token requests (created in
    # data_dir in development), per-attempt timeout, attempts, circuit breaker.
    snap_private_key_path: Path | None = None
    acquirer_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    acquirer_attempts: int = Field(default=3, ge=1, le=10)
    acquirer_breaker_failures: int = Field(default=5, ge=1, le=1000)
    acquirer_breaker_reset_seconds: float = Field(default=30.0, gt=0, le=3600)
    # When the market's acquirer cannot generate a dynamic QRIS: derive it locally from the
    # static QRIS (flagged "fallback" on the intent) instead of refusing with 503.
    qris_local_fallback: bool = True
    # Demo only (refused in production): every market's codes go to this registered acquirer,
    # e.g. the simulator `SIMBANK` that scripts/serve starts, instead of the merchant's own.
    qris_demo_acquirer: str | None = None
    # How long a dynamic QRIS for a bill stays payable (payment intent expiry).
    qris_expiry_hours: int = Field(default=24, ge=1, le=24 * 7)
    # Billing rules that depend on law not yet verified (see docs/billing.md): configurable.
    monthly_due_day: int = Field(default=5, ge=1, le=31)
    penalty_rate_bp_per_month: int = Field(default=100, ge=0, le=10_000)  # 1 % (HKPD)
    penalty_cap_months: int = Field(default=24, ge=0, le=600)
    penalty_legal_basis: str = "UU 1/2022 (HKPD) / PP 35/2023: 1 % per month, max 24 months"
    trading_policy: Literal["every_day", "skip_market_closed", "skip_closed_and_not_trading"] = (
        "every_day"
    )

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.mode is Mode.PRODUCTION:
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "PASAR_PAY_SECRET_KEY must be set to a random value of 32+ characters"
                    " outside development"
                )
            if self.digest_key_path is None:
                raise ValueError("PASAR_PAY_DIGEST_KEY_PATH must be set outside development")
            if self.qris_demo_acquirer:
                raise ValueError("PASAR_PAY_QRIS_DEMO_ACQUIRER is for demos, not production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'pasar_pay.db').as_posix()}"

    @property
    def effective_snap_key_path(self) -> Path:
        return self.snap_private_key_path or self.data_dir / "snap_rsa_private.pem"

    @property
    def effective_digest_key_path(self) -> Path:
        return self.digest_key_path or self.data_dir / "digest_ed25519.pem"


def load_settings() -> Settings:
    return Settings()
