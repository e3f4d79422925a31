"""Retries with backoff and a circuit breaker for outbound bank calls.

The breaker counts consecutive failed calls to one acquirer. After `threshold` of them it
opens: calls fail at once (no socket, no waiting on a dead host) for `reset_after` seconds.
Then it is half-open: one trial call goes through; success closes it, failure opens it again
for another period. The clock is injected so tests step through the states without sleeping.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3  # in total, the first try included
    base_delay: float = 0.2  # seconds before the second try; doubled each time
    max_delay: float = 2.0
    jitter: float = 0.25  # +/- fraction, so many clients do not retry in step

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """The pauses between attempts (`attempts - 1` of them)."""
        rng = rng or random.Random()
        for n in range(max(self.attempts - 1, 0)):
            delay = min(self.max_delay, self.base_delay * 2**n)
            yield max(0.0, delay * (1 + rng.uniform(-self.jitter, self.jitter)))


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or reset_after <= 0:
            raise ValueError("threshold >= 1 and reset_after > 0")
        self._threshold = threshold
        self._reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._reset_after:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial at a time."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self._threshold:
                self._opened_at = self._clock()  # (re)open for a full period
            self._trial_running = False

    def retry_in(self) -> float:
        """Seconds until a trial call is allowed (0 when closed or half-open)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self._reset_after - (self._clock() - self._opened_at))
