"""Evaluating a training beyond the tests (Kirkpatrick): attendance and the reaction
survey (level 1), results on the phone, follow-up tasks (level 3)."""
