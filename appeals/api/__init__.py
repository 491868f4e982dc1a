"""Open311 GeoReport v2 at /open311/v2/ and its OpenAPI description (/api/schema/, /api/docs/)."""
