"""The command palette's issue finder: type part of an id or title, Enter jumps there."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.refs import issue_ref


class IssueCommands(Provider):
    def _issues(self):
        from tracker.tui.screens.dashboard import DashboardScreen

        screen = self.screen
        if not isinstance(screen, DashboardScreen) or screen.project is None:
            return []
        project = screen.project
        return [
            (
                f"{one_line(str(issue.id))}  {ellipsize(one_line(issue.title), 70)}",
                issue_ref(phase, issue),
                one_line(project.label(issue.status)),  # as the tree and detail name it: "Not started"
                screen,
            )
            for phase, issue in project.issues()
        ]

    async def discover(self) -> Hits:
        for text, ref, status, screen in self._issues()[:20]:
            yield DiscoveryHit(
                Content(text), lambda ref=ref, screen=screen: screen.jump(ref), text=text, help=escape(status)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, ref, status, screen in self._issues():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, text),
                    lambda ref=ref, screen=screen: screen.jump(ref),
                    text=text,
                    help=escape(status),
                )


def highlight(matcher, text: str) -> Content:
    # Matcher.highlight reads its input as markup; titles are data, so mark the letters by hand.
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
