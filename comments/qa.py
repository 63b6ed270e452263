"""Reader Q&A: an article whose comment policy opens it turns first comments into questions,
and a reply to a question from one of the article's authors (an Author linked to an account,
in the byline) or from an expert named on the policy is its answer.

Who answers is read when the page is built, never stored on the comment: an expert added or
removed later, or a byline changed, relabels the discussion at once. Three queries per page,
however many questions: the answerers, the questions their replies answer, and those of them
readers can see, with their count.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, FilteredRelation, Q, Window
from django.db.models.functions import Left

from comments.models import ArticleCommentPolicy, Comment

# The "Questions answered" list links to this many; the counts above it cover them all.
ANSWERED_LISTED = 30
EXCERPT_LENGTH = 140


@dataclass(frozen=True)
class Answerer:
    user_id: int
    role: str  # what the Answer label says about them, e.g. "Article author · Reporter"


@dataclass
class QandA:
    intro: str
    answerers: dict  # {user id: Answerer}
    answered: list = field(default_factory=list)  # AnsweredQuestion, oldest question first
    answered_total: int = 0
    question_total: int = 0

    @property
    def waiting_total(self):
        return max(self.question_total - self.answered_total, 0)

    @property
    def more_answered(self):
        return self.answered_total - len(self.answered)

    def answer_role(self, comment):
        """The answerer's role when `comment` answers a question (a visible reply straight under
        a first comment, by an author or expert), else ""."""
        if comment.level != 1 or not comment.is_visible:
            return ""
        answerer = self.answerers.get(comment.user_id)
        return answerer.role if answerer else ""


@dataclass(frozen=True)
class AnsweredQuestion:
    comment_id: int
    excerpt: str


def _role(kind, title):
    label = "Article author" if kind == "author" else "Expert"
    return f"{label} · {title}" if title else label


def answerers_of(article_id, policy_id):
    """{user id: Answerer} for the article's authors with an account and the policy's experts,
    in one query. Someone both in the byline and named as an expert answers as an author."""
    experts = ArticleCommentPolicy.qa_experts.through.objects.filter(articlecommentpolicy_id=policy_id)
    rows = (
        get_user_model()
        .objects.annotate(
            byline=FilteredRelation(
                "author_profile__bylines", condition=Q(author_profile__bylines__article_id=article_id)
            )
        )
        .filter(Q(byline__isnull=False) | Q(pk__in=experts.values("user_id")))
        .order_by()
        .values_list("pk", "byline__id", "byline__role", "author_profile__role")
    )
    return {
        user_id: Answerer(user_id, _role("author" if byline else "expert", byline_role or usual_role))
        for user_id, byline, byline_role, usual_role in rows
    }


def answered_questions(article_id, answerer_ids):
    """The answered questions to list (oldest first) and how many there are, in two queries
    that find rows by id: the questions the article's answers reply to, then those of them
    readers can see. A single query with the answers as a subquery (correlated or not) was
    planned as nested scans of the three comment tables when their statistics were stale,
    and ran past the statement timeout on a few hundred rows."""
    if not answerer_ids:
        return [], 0
    # Level 1 leaves out the question itself, which xtd makes its own parent.
    replied_to = set(
        Comment.objects.visible()
        .filter(article_id=article_id, level=1, user_id__in=answerer_ids)
        .values_list("parent_id", flat=True)
    )
    if not replied_to:
        return [], 0
    rows = list(
        Comment.objects.visible()
        .filter(pk__in=sorted(replied_to), level=0)
        .annotate(excerpt=Left("comment", EXCERPT_LENGTH + 1), total=Window(Count("pk")))
        .order_by("thread_id")
        .values_list("pk", "excerpt", "total")[:ANSWERED_LISTED]
    )
    listed = [AnsweredQuestion(pk, _shorten(excerpt)) for pk, excerpt, _ in rows]
    return listed, (rows[0][2] if rows else 0)


def _shorten(text):
    text = " ".join(text.split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def q_and_a(article_id, discussion):
    """The Q&A state of a discussion page, or None when the article has no Q&A."""
    override = discussion.policy_override
    if override is None or not override.qa_enabled:
        return None
    answerers = answerers_of(article_id, override.pk)
    answered, answered_total = answered_questions(article_id, list(answerers))
    return QandA(
        intro=override.qa_intro,
        answerers=answerers,
        answered=answered,
        answered_total=answered_total,
        question_total=discussion.question_total,
    )
