-- 0002: keep the footprint photo (content-addressed, deduplicated by SHA-256) and record the
-- massage and routine sessions a parent does with the child.

-- Path relative to the images folder: <child_id>/<sha256>.<ext>. NULL when no photo was kept.
ALTER TABLE footprints ADD COLUMN image_sha256 TEXT
    CHECK (image_sha256 IS NULL OR length(image_sha256) = 64);
ALTER TABLE footprints ADD COLUMN image_path TEXT;
CREATE INDEX footprints_by_image ON footprints (child_id, image_sha256);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id    INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('massage', 'routine')),
    started_at  TEXT NOT NULL,
    duration_s  REAL NOT NULL CHECK (duration_s >= 0),
    steps_done  TEXT NOT NULL DEFAULT '[]',
    notes       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_child ON sessions (child_id, started_at);
