"""Comment threads read from dumps: every reader yields the same ``Thread`` of ``Comment``s."""

from service.threads.model import Article, Comment, Thread, comment_id
from service.threads.scraped import parse_scraped_page

__all__ = ["Article", "Comment", "Thread", "comment_id", "parse_scraped_page"]
