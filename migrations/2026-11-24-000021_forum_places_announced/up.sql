-- Each node keeps every forum's name and its category's heading in memory for the thread
-- pages' breadcrumbs (`forums::places`). `forums` is announced by every reply (the counts
-- on the forum start change), which would drop that copy for nothing; this tag is
-- announced only when a name, a heading or a forum's category changes.
CREATE FUNCTION parley_forum_places_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_pages', 'forum-places');
    RETURN NULL;
END
$$;

CREATE TRIGGER forums_places AFTER INSERT OR DELETE OR UPDATE OF slug, title, category_id ON forums
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_places_changed();
CREATE TRIGGER categories_places AFTER INSERT OR DELETE OR UPDATE OF title ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_places_changed();
