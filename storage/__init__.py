"""The data layer: the only place SQL lives.

One module per concern (people, reports, evidence, audit log), numbered migrations in
``storage/migrations`` applied at start-up, and pydantic models at the boundary.
"""
