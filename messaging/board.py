"""What a board page and its fragments show, from a board loaded by messaging/access.py: the
latest page of posts in the order they were written, the cursor for earlier ones and the poll's
"since" mark. Each costs one query, whatever the number of posts."""

from __future__ import annotations

import datetime

from messaging.access import Board
from messaging.models import EventPost
from momento.pagination import paginate

PAGE_SIZE = 50
POLL_EVERY = "5s"


class BadMark(ValueError):
    """The poll's `since` is not a time this board gave out."""


def posts_of(board: Board):
    return EventPost.objects.for_board(board.event, me_id=board.me_id, is_host=board.is_host)


def page(board: Board, *, earlier: str | None) -> dict:
    """The latest posts (or those before the `earlier` cursor), oldest first on the page. Only
    the latest page polls for new ones."""
    found = paginate(posts_of(board), order=("-created_at", "-pk"), cursor=earlier, size=PAGE_SIZE)
    posts = list(reversed(found.items))
    latest = not earlier
    return {
        "board": board,
        "event": board.event,
        "posts": posts,
        "earlier": found.next_cursor,
        "polls": latest and board.can_write,
        "since": mark(posts[-1].created_at) if latest and posts else "",
    }


def new_since(board: Board, since: str) -> dict:
    """The posts written after `since` (a mark from `page` or from the last poll), oldest
    first: one indexed range read, that finds nothing most of the time."""
    posts = posts_of(board).order_by("created_at", "pk")
    if since:
        posts = posts.filter(created_at__gt=parse_mark(since))
    posts = list(posts[:PAGE_SIZE])
    return {
        "board": board,
        "event": board.event,
        "posts": posts,
        "polls": board.can_write,
        "since": mark(posts[-1].created_at) if posts else since,
    }


def one(board: Board, post: EventPost) -> dict:
    """A single post (after the host hid or showed it), with the flags the list gives."""
    post.mine = post.author_id == board.me_id
    return {"board": board, "event": board.event, "post": post}


def mark(moment: datetime.datetime) -> str:
    return moment.isoformat()


def parse_mark(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise BadMark(value) from None
    if moment.tzinfo is None:
        raise BadMark(value)
    return moment
