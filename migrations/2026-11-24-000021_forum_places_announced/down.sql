DROP TRIGGER categories_places ON categories;
DROP TRIGGER forums_places ON forums;
DROP FUNCTION parley_forum_places_changed();
