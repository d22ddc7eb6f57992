-- 0004: an exercise report may also say the clip shows another movement
-- (verdict 'not_this_exercise', see vision.exercises.report). SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt with every row and column kept as it was.

CREATE TABLE exercise_reports_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id  INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    taken_on  TEXT NOT NULL,
    exercise  TEXT NOT NULL,
    verdict   TEXT NOT NULL CHECK (verdict IN ('good', 'needs_attention', 'insufficient_data',
                                               'not_this_exercise')),
    report    TEXT NOT NULL,
    faults    TEXT NOT NULL DEFAULT ''
);
INSERT INTO exercise_reports_new (id, child_id, taken_on, exercise, verdict, report, faults)
    SELECT id, child_id, taken_on, exercise, verdict, report, faults FROM exercise_reports;
DROP TABLE exercise_reports;
ALTER TABLE exercise_reports_new RENAME TO exercise_reports;
CREATE INDEX exercise_reports_by_child ON exercise_reports (child_id, taken_on);
