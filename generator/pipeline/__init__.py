"""The pipeline: load -> validate -> model -> translate -> render -> export -> write, and the
orchestrator that runs it (build.py)."""
