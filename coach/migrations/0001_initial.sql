-- 0001: the core tables.
-- Dates are ISO-8601 text (YYYY-MM-DD); timestamps ISO-8601 text with seconds.
-- JSON columns hold compact JSON text. Every child-owned row cascades on delete, so deleting
-- a child removes everything stored about it in one statement.

-- AUTOINCREMENT: ids are never reused, so a deleted child's id (which also names its image
-- folder) can never be given to a new child.
CREATE TABLE children (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alias       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(alias) BETWEEN 1 AND 80),
    birth_date  TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at  TEXT NOT NULL
);

-- One row per foot of a footprint photo.
CREATE TABLE footprints (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id               INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    taken_on               TEXT NOT NULL,
    side                   TEXT NOT NULL CHECK (side IN ('left', 'right')),
    arch_index             REAL NOT NULL CHECK (arch_index BETWEEN 0 AND 1),
    staheli_index          REAL,
    chippaux_smirak_index  REAL,
    clarke_angle_deg       REAL,
    length_mm              REAL,
    width_mm               REAL,
    category               TEXT CHECK (category IS NULL OR category IN ('high', 'normal', 'flat')),
    age_reading            TEXT,
    quality_score          REAL CHECK (quality_score IS NULL OR quality_score BETWEEN 0 AND 1),
    quality_issues         TEXT NOT NULL DEFAULT '[]',
    source                 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX footprints_by_child ON footprints (child_id, taken_on);

CREATE TABLE exercise_reports (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id  INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    taken_on  TEXT NOT NULL,
    exercise  TEXT NOT NULL,
    verdict   TEXT NOT NULL CHECK (verdict IN ('good', 'needs_attention', 'insufficient_data')),
    report    TEXT NOT NULL,
    faults    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exercise_reports_by_child ON exercise_reports (child_id, taken_on);

CREATE TABLE screenings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    answered_at  TEXT NOT NULL,
    answers      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'postpone', 'refuse')),
    reasons      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX screenings_by_child ON screenings (child_id, answered_at);
