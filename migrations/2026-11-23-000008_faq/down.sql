DROP TABLE faq_links;
DROP TABLE faq_articles;
