DROP TRIGGER users_pages ON users;
DROP TRIGGER post_quotes_pages ON post_quotes;
DROP TRIGGER categories_pages ON categories;
DROP TRIGGER forums_pages ON forums;
DROP TRIGGER threads_pages ON threads;
DROP TRIGGER posts_pages ON posts;
DROP FUNCTION parley_pages_changed();
