"""xcedu-crawler: a complete, deduplicated archive of a city education bureau's announcements."""
