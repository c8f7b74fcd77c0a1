"""Evaluation beyond test scores: results on the phone and follow-up tasks (Kirkpatrick 3)."""
