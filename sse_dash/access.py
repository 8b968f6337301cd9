"""Who may run the app's administration actions (rebuild the warehouse, choose the catalogue,
see the server's data folder).

Nobody, by default: a deployment serves the dashboard read-only and its data are refreshed by
the scheduled job (`python -m sse_dash data build`, docs/deploy.md). Configuration turns it on:

- `SSE_DASH_ADMIN=1`: whoever reaches the app is administrator — for a single-user install on
  a workstation, never for a shared server;
- `SSE_DASH_ADMINS=alice@ville.fr,bob@ville.fr`: these authenticated identities (e-mail
  address, or the OIDC `sub` when the provider puts no e-mail in its ID token), as Streamlit's
  `st.login` (OpenID Connect) reports them, or, when `SSE_DASH_AUTH_HEADER` names it, as the
  header an authenticating reverse proxy (oauth2-proxy…) sets on every request."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_TRUE = {"1", "true", "yes", "oui", "on"}
_HEADER_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")


@dataclass(frozen=True)
class AdminPolicy:
    everyone: bool = False
    identities: frozenset[str] = frozenset()
    header: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AdminPolicy:
        env = os.environ if environ is None else environ
        everyone = env.get("SSE_DASH_ADMIN", "").strip().lower() in _TRUE
        listed = re.split(r"[,;\s]+", env.get("SSE_DASH_ADMINS", ""))
        identities = frozenset(x.strip().lower() for x in listed if x.strip())
        header = env.get("SSE_DASH_AUTH_HEADER", "").strip() or None
        if header is not None and not _HEADER_RE.match(header):
            header = None
        return cls(everyone=everyone, identities=identities, header=header)

    @property
    def enabled(self) -> bool:
        """Can anyone at all be administrator under this configuration?"""
        return self.everyone or bool(self.identities)

    def allows(self, identities: Iterable[str | None]) -> bool:
        """Is a visitor authenticated as one of `identities` an administrator?"""
        if self.everyone:
            return True
        return any(
            isinstance(value, str) and value.strip().lower() in self.identities
            for value in identities
        )
