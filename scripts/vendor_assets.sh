#!/usr/bin/env bash
# Refresh static/vendor/: the Leaflet front-end files folium / streamlit-folium would otherwise
# load from public CDNs (blank maps offline or behind an intranet proxy). Taken from the npm
# registry with `npm pack`; only the files the maps actually reference are kept.
# The mapping CDN URL -> local file lives in sse_dash/maps.py (VENDOR_FILES).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# package@version -> destination folder; then the files to copy (paths inside the tarball).
fetch() {
  local spec="$1" folder="$2"
  shift 2
  local tgz
  tgz="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
  mkdir -p "$WORK/$folder"
  tar -xzf "$WORK/$tgz" -C "$WORK/$folder"
  for file in "$@"; do
    mkdir -p "$DEST/$folder/$(dirname "$file")"
    cp -r "$WORK/$folder/package/$file" "$DEST/$folder/$file"
  done
}

rm -rf "$DEST"
mkdir -p "$DEST"
fetch leaflet@1.9.3 leaflet-1.9.3 dist/leaflet.js dist/leaflet.css dist/images
fetch jquery@3.7.1 jquery-3.7.1 dist/jquery.min.js
fetch bootstrap@5.2.2 bootstrap-5.2.2 dist/js/bootstrap.bundle.min.js dist/css/bootstrap.min.css
fetch leaflet.awesome-markers@2.0.5 awesome-markers-2.0.5 \
  dist/leaflet.awesome-markers.js dist/leaflet.awesome-markers.css dist/images
fetch @fortawesome/fontawesome-free@6.2.0 fontawesome-free-6.2.0 css/all.min.css webfonts
fetch leaflet.markercluster@1.1.0 markercluster-1.1.0 \
  dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css
fetch d3@3.5.5 d3-3.5.5 d3.min.js
fetch d3@4.13.0 d3-4.13.0 build/d3.min.js

du -sh "$DEST"
