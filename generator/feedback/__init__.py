"""Feedback and search signals: the collector a city runs (`kb feedback serve`), its database,
and the report per owning department (`kb feedback report`). docs/feedback.md."""
