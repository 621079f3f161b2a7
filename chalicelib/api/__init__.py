"""The HTTP edge: request schemas, error mapping and messages, role checks, response views."""
