"""Notifications to people: bilingual emails rendered from templates, stored, then delivered by a task."""
