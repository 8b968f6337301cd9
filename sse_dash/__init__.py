"""sse_dash: l'économie sociale et solidaire (ESS) et les quartiers prioritaires sur une carte."""

__version__ = "0.1.0"
