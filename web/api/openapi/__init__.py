"""The OpenAPI 3 description of the JSON API, one module per part of the API."""
