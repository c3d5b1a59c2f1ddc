"""newsprism: daily news digests that show one topic through the eyes of each country involved."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/newsprism/newsprism"
USER_AGENT = f"newsprism/{__version__} (+{PROJECT_URL})"
