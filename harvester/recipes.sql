-- Articles per site per day
SELECT s.key AS site, date(a.published_at) AS day, count(*) AS articles
FROM articles a JOIN sites s ON s.id = a.site_id
WHERE a.published_at IS NOT NULL
GROUP BY s.key, date(a.published_at)
ORDER BY day DESC, site;

-- The three newest articles of each site
SELECT site, site_rank, published_at, title
FROM latest_articles WHERE site_rank <= 3
ORDER BY site, site_rank;

-- Articles with their authors and tags, flattened
SELECT site, published_at, title, authors, tags
FROM article_details
ORDER BY published_at DESC;

-- What changed in an article: its revisions, oldest first
SELECT r.revision_no, r.fetched_at, r.origin, r.extractor_version, r.content_hash, r.word_count, r.title
FROM article_revisions r JOIN articles a ON a.id = r.article_id
WHERE a.url = 'https://itpostnews.com/news/passkeys-explained-what-changes-when-passwords-go-away/'
ORDER BY r.revision_no;

-- Articles whose text changed after they were first stored
SELECT a.url, count(DISTINCT r.content_hash) AS versions, max(r.fetched_at) AS last_revision
FROM articles a JOIN article_revisions r ON r.article_id = a.id
GROUP BY a.url
HAVING count(DISTINCT r.content_hash) > 1
ORDER BY versions DESC, a.url;

-- An author's articles
SELECT a.published_at, s.key AS site, a.title, a.url
FROM authors au
JOIN article_authors aa ON aa.author_id = au.id
JOIN articles a ON a.id = aa.article_id
JOIN sites s ON s.id = a.site_id
WHERE au.name = 'Priya Raman'
ORDER BY a.published_at DESC;

-- Near-duplicate clusters: syndicated copies across sites
SELECT cluster_id, cluster_size, site, title, url
FROM near_duplicates
ORDER BY cluster_id, first_seen_at, site;

-- The same clusters without the view: how many copies, on how many sites
SELECT cluster_id, count(*) AS copies, count(DISTINCT site_id) AS sites, min(title) AS title
FROM articles
WHERE cluster_id IS NOT NULL
GROUP BY cluster_id
HAVING count(*) > 1;

-- Search, SQLite: best matches first, with a snippet
SELECT a.title, a.url, snippet(articles_fts, -1, '«', '»', '…', 16) AS snippet
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH 'chatgpt study'
ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0);

-- Search, PostgreSQL: best matches first, with a snippet
SELECT a.title, a.url, ts_headline('english', a.body_text, q) AS snippet
FROM articles a, plainto_tsquery('english', 'chatgpt study') AS q
WHERE a.search_vector @@ q
ORDER BY ts_rank_cd(a.search_vector, q) DESC;

-- The last crawl runs and what they saw
SELECT spider, started_at, finished_at, status, pages_fetched, articles_new, articles_changed,
       articles_unchanged, articles_not_modified, articles_skipped, non_articles, errors, not_fetched_by_rule,
       errors_by_reason
FROM crawl_runs
ORDER BY started_at DESC, id DESC
LIMIT 10;

-- What a run could not store, and why
SELECT f.url, f.outcome, f.reason, f.status_code
FROM fetch_log f JOIN crawl_runs r ON r.id = f.run_id
WHERE f.outcome IN ('not_article', 'invalid', 'error')
ORDER BY r.id DESC, f.id;
