"""The warehouse build (`python -m sse_dash data build`) and its status report."""
