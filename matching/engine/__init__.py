"""Pure computation of the matcher, with no database access: embedders, retrieval, scoring,
organisation- and partnership-level aggregation, constrained assignment, investor ranking,
explanations, weight learning and the evaluation metrics. Plain functions over NumPy arrays and
dataclasses, testable without Django."""
