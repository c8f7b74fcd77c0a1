"""Participants' feedback pages: each one's score per domain and competency and every item."""

from __future__ import annotations

from kimtrain.feedback.data import ItemFeedback, ParticipantFeedback, collect_feedback
from kimtrain.feedback.page import render_page, write_feedback

__all__ = ["ItemFeedback", "ParticipantFeedback", "collect_feedback", "render_page",
           "write_feedback"]
