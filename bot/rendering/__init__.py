"""Renderers of the one answer payload (knowledge.schema.AnswerPayload) for each channel."""
