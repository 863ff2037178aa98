"""The `kb` commands that are not the build, each a thin layer over the pipeline."""
