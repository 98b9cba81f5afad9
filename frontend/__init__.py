"""Server-rendered pages (templates, static files, page views) over the apps' services and selectors."""
