"""SSE establishments from SIRENE (issue 3): official schemas, classification tables, synthetic
generator, build pipeline, territorial aggregates and the warehouse-build hook (`step`)."""
