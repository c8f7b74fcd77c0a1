"""Evaluating a training beyond the tests: attendance, the reaction survey, follow-up."""
