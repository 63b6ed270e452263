from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article, Section, SlugRedirect, Source
from authors.models import Author


@require_safe
def home(request):
    articles = Article.objects.published().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": articles})


@require_safe
def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=section).for_listing()[:20]
    return render(request, "articles/section.html", {"section": section, "articles": articles})


@require_safe
def tag(request, slug):
    articles = Article.objects.published().filter(tags__slug=slug).for_listing()[:20]
    return render(request, "articles/tag.html", {"slug": slug, "articles": articles})


@require_safe
def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().filter(bylines__author=author).for_listing()[:20]
    return render(request, "articles/author.html", {"author": author, "articles": articles})


@require_safe
def source(request, slug):
    source = get_object_or_404(Source, slug=slug)
    articles = Article.objects.published().filter(source=source).for_listing()[:20]
    return render(request, "articles/source.html", {"source": source, "articles": articles})


@require_safe
def detail(request, section, year, month, day, slug):
    article = Article.objects.published().for_listing().filter(slug=slug).first()
    if article is None:
        moved = SlugRedirect.objects.filter(old_slug=slug).select_related("article").first()
        if moved and moved.article.is_published:
            return redirect(moved.article.get_absolute_url(), permanent=True)
        raise Http404("No such article")
    canonical = article.get_absolute_url()
    if request.path != canonical:
        # A changed section or date keeps old addresses working.
        return redirect(canonical, permanent=True)
    return render(request, "articles/detail.html", article_page_context(request, article))


def article_page_context(request, article, *, preview=False):
    """Everything templates/articles/detail.html needs. The admin preview renders the same
    template through this function, so a preview is exactly what readers will see."""
    return {"article": article, "now": timezone.now(), "is_preview": preview}
