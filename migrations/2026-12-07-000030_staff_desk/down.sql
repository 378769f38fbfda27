DROP TRIGGER threads_solved_at ON threads;
DROP FUNCTION threads_solved_at();
ALTER TABLE threads DROP COLUMN solved_at;
DROP TABLE staff_notes;
DROP TABLE notices;
ALTER TABLE forums
    DROP CONSTRAINT forums_business_day,
    DROP COLUMN targets_mailed_on,
    DROP COLUMN business_end,
    DROP COLUMN business_start,
    DROP COLUMN business_zone,
    DROP COLUMN solution_hours,
    DROP COLUMN first_response_hours;
ALTER TABLE threads
    DROP CONSTRAINT threads_one_assignee,
    DROP COLUMN assigned_at,
    DROP COLUMN assigned_group_id,
    DROP COLUMN assigned_user_id;
DROP TABLE staff_group_members;
DROP TABLE staff_groups;
