"""Renderers: data (Plan, AccessDiff, DriftReport) in, text out; they never call the API."""
