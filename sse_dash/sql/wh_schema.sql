-- Warehouse tables written by `data build` (docs/warehouse.md). Geometries are EPSG:4326.
CREATE TABLE provenance (
    dataset_id VARCHAR, role VARCHAR, title VARCHAR, publisher VARCHAR, licence VARCHAR,
    source VARCHAR, retrieved_at TIMESTAMP, sha256 VARCHAR, size_bytes BIGINT, vintage VARCHAR,
    rows BIGINT, synthetic BOOLEAN, notes VARCHAR, built_at TIMESTAMP
);
CREATE TABLE build_issues (dataset_id VARCHAR, kind VARCHAR, code VARCHAR, detail VARCHAR);
CREATE TABLE meta ("key" VARCHAR PRIMARY KEY, "value" VARCHAR);
-- map_geojson: the national-map shape (geom_display simplified to ~200 m, as GeoJSON), made
-- once at build time (wh_map_geojson_*.sql) instead of on every view of the choropleth.
CREATE TABLE regions (
    code VARCHAR, name VARCHAR, zone VARCHAR, population BIGINT, geom_display GEOMETRY,
    map_geojson VARCHAR
);
CREATE TABLE departements (
    code VARCHAR, name VARCHAR, region_code VARCHAR, zone VARCHAR, population BIGINT,
    geom_display GEOMETRY, map_geojson VARCHAR
);
CREATE TABLE epci (
    code VARCHAR, name VARCHAR, type VARCHAR, population BIGINT, nb_communes INTEGER,
    geom_display GEOMETRY
);
CREATE TABLE communes (
    code VARCHAR, name VARCHAR, dep_code VARCHAR, reg_code VARCHAR, epci_code VARCHAR,
    ept_code VARCHAR, zone VARCHAR, population BIGINT, postal_codes VARCHAR,
    geom_display GEOMETRY
);
-- commune_shapes: each commune's display shape as GeoJSON at ~10 m (wh_commune_shapes.sql), made
-- once at build time: computing it on each change of territory cost 30-90 ms a département.
CREATE TABLE commune_shapes (code VARCHAR, geojson VARCHAR);
CREATE TABLE commune_aliases (alias_code VARCHAR, commune_code VARCHAR, kind VARCHAR);
CREATE TABLE territories (
    level VARCHAR, code VARCHAR, name VARCHAR, name_search VARCHAR, population BIGINT,
    region_code VARCHAR, dep_code VARCHAR, epci_type VARCHAR
);
CREATE TABLE qpv (
    code VARCHAR, name VARCHAR, geography VARCHAR, dep_code VARCHAR, reg_code VARCHAR,
    epci_code VARCHAR, commune_code VARCHAR, commune_codes VARCHAR[], area_m2 DOUBLE,
    precision VARCHAR, geometry_status VARCHAR, lon DOUBLE, lat DOUBLE, geom GEOMETRY,
    geom_display GEOMETRY
);
CREATE TABLE qpv_communes (code VARCHAR, geography VARCHAR, commune_code VARCHAR);
CREATE TABLE qpv_indicators (
    code VARCHAR, geography VARCHAR, population DOUBLE, youth_index DOUBLE, households DOUBLE,
    social_housing DOUBLE, social_housing_rate DOUBLE, employment_rate DOUBLE,
    poverty_rate DOUBLE, caf_covered DOUBLE, caf_recipients DOUBLE, rsa DOUBLE
);
CREATE TABLE third_places (
    id VARCHAR, name VARCHAR, kind VARCHAR, commune_code VARCHAR, dep_code VARCHAR,
    reg_code VARCHAR, address VARCHAR, url VARCHAR, lon DOUBLE, lat DOUBLE,
    location_precision VARCHAR, dataset_id VARCHAR,
    -- nearest QPV 2024 (membership contour, any territory), computed at build time (NULL and
    -- status « incertain » when the point is only a commune centre, see sse_dash.warehouse.places)
    qpv24 VARCHAR, qpv24_nearest VARCHAR, qpv24_distance_m DOUBLE,
    qpv24_status VARCHAR, near_qpv300_status VARCHAR,
    -- the same place in other sources: their titles, and the row kept on maps and in counts
    also_in VARCHAR, duplicate_of VARCHAR
);
CREATE TABLE ptce (
    id VARCHAR, name VARCHAR, commune_code VARCHAR, dep_code VARCHAR, reg_code VARCHAR,
    structure VARCHAR, "call" VARCHAR, theme VARCHAR, source_urls VARCHAR, lon DOUBLE,
    lat DOUBLE, location_precision VARCHAR, dataset_id VARCHAR,
    qpv24 VARCHAR, qpv24_nearest VARCHAR, qpv24_distance_m DOUBLE,
    qpv24_status VARCHAR, near_qpv300_status VARCHAR
);
CREATE TABLE ess_share (
    level VARCHAR, code VARCHAR, name VARCHAR, share_2014 DOUBLE, share_2008 DOUBLE
);
