"""Sizes of the synthetic SIRENE, as a share of the national files (kept apart from the
generator so that the command line can list them without importing it)."""

SCALES: dict[str, float] = {"test": 0.0, "dev": 0.01, "1/10": 0.1, "national": 1.0}

# How `data synth` lays the files out: three files, or the official names in a mirror folder.
LAYOUTS = ("simple", "officiel")
