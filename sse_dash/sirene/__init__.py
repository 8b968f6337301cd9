"""SSE establishments from SIRENE (issue 3).

- `schema`: official column lists of StockUniteLegale, StockEtablissement and the
  Géolocalisation file (names, order, dtypes written by the generator).
- `mappings`: SSE family per legal category, NAF rév. 2 sections/divisions, employee bands;
  `ref_frames()` gives the ref_* tables.
- `naf.read_labels(ds, path)`: the 732 NAF sub-class labels from INSEE's list (optional
  dataset `naf_rev2`; the built-in labels are used without it).
- `synth.generate(out_dir, geo_con, scale, seed, scope)`: labelled synthetic SIRENE
  (données fictives) in the official schemas, placed on the warehouse's real geography.
- `pipeline.build(con, Sources, employers_only, scope)`: establishments + ref_* +
  agg_territory inside a warehouse connection (QPV membership via sse_dash.qpv_index).
- `aggregates`: agg_territory and its consistency check.
- `step.run / step.status_lines`: hooks called by the warehouse build and `data status`.
- `cli.register`: `python -m sse_dash data synth`.

Its benchmarks live in the top-level `benchmarks/sirene.py`.
"""
