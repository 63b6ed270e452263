from django.urls import path

from articles import feeds, ninjs, sitemaps, views

app_name = "articles"


urlpatterns = [
    # Fixed prefixes first: section slugs take the rest of the top level.
    path("search/", views.search, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/feed/", feeds.CorrectionsRssFeed(), name="corrections-rss"),
    path("api/reads/<id:article_id>/", views.record_read, name="record-read"),
    path("api/live/<id:article_id>/entries/", views.live_updates, name="live-updates"),
    path("feed/", feeds.SiteRssFeed(), name="feed-rss"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="feed-atom"),
    path("feed/ninjs/", ninjs.site_feed, name="feed-ninjs"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagRssFeed(), name="tag-rss"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("authors/<slug:slug>/feed/", feeds.AuthorRssFeed(), name="author-rss"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-atom"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("sources/<slug:slug>/feed/", feeds.SourceRssFeed(), name="source-rss"),
    path("sources/<slug:slug>/feed/atom/", feeds.SourceAtomFeed(), name="source-atom"),
    path("<slug:slug>/", views.section, name="section"),
    path("<slug:slug>/feed/", feeds.SectionRssFeed(), name="section-rss"),
    path("<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-atom"),
    path("<slug:slug>/feed/ninjs/", ninjs.section_feed, name="section-ninjs"),
    path("<slug:section>/<int:year>/<str:month>/<str:day>/<slug:slug>/", views.detail, name="detail"),
    path(
        "<slug:section>/<int:year>/<str:month>/<str:day>/<slug:slug>/changes/", views.changes, name="changes"
    ),
]
