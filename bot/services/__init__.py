"""Use cases: each public function takes a unit of work and makes one change."""
