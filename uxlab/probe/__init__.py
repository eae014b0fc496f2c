"""Page-speed and task-path probes (the only package that imports Playwright)."""
