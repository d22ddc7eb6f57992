-- 0003: one footprint photo is one measurement a family can edit or delete as a whole.
--   measurement_id  id of the first foot row of the same photo (rows of one photo share it)
--   saved_at        when the measurement was saved (ISO-8601 UTC); taken_on stays the day the
--                   print was taken. NULL for rows saved before this migration (unknown).
--   notes           the family's notes on the measurement (kept on every foot row of it)
--   reference       source of the band behind the foot's category (or why none applies), as
--                   the footprint reading gives it; NULL for rows saved before
--   geometry        JSON drawing geometry of the foot as measured (outline, axis, thirds,
--                   toe line), so pages redraw what was measured; NULL when not stored.
-- Existing rows keep every value. Their measurement is rebuilt from how they were written:
-- the feet of one photo were inserted together, so consecutive ids with the same child, day,
-- source and photo, alternating sides, are one photo of at most two feet.

ALTER TABLE footprints ADD COLUMN measurement_id INTEGER;
ALTER TABLE footprints ADD COLUMN saved_at TEXT;
ALTER TABLE footprints ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE footprints ADD COLUMN geometry TEXT;
ALTER TABLE footprints ADD COLUMN reference TEXT;

WITH ordered AS (
    SELECT id, child_id, taken_on, source, image_sha256, side,
           LAG(id) OVER w AS p_id, LAG(child_id) OVER w AS p_child,
           LAG(taken_on) OVER w AS p_day, LAG(source) OVER w AS p_source,
           LAG(image_sha256) OVER w AS p_sha, LAG(side) OVER w AS p_side
    FROM footprints WINDOW w AS (ORDER BY id)
), starts AS (
    SELECT id, CASE WHEN p_id = id - 1 AND p_child = child_id AND p_day = taken_on
                         AND p_source = source AND p_sha IS image_sha256 AND p_side <> side
                    THEN 0 ELSE 1 END AS new_run
    FROM ordered
), runs AS (
    SELECT id, SUM(new_run) OVER (ORDER BY id) AS run FROM starts
), numbered AS (
    SELECT id, run, (ROW_NUMBER() OVER (PARTITION BY run ORDER BY id) - 1) / 2 AS pair
    FROM runs
)
UPDATE footprints SET measurement_id = (
    SELECT MIN(b.id) FROM numbered a JOIN numbered b ON a.run = b.run AND a.pair = b.pair
    WHERE a.id = footprints.id);

CREATE INDEX footprints_by_measurement ON footprints (child_id, measurement_id);
