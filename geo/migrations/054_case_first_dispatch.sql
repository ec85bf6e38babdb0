-- The first dispatch of a case (派遣: when, and by whom) is kept apart from the last one: 按时派遣率 and the dispatcher
-- indicators of 综合评价 count the first (gateway/cases/evaluation.ts). dispatched_at and dispatched_by stay the last
-- dispatch (改派; dispatched_at also moves on 返工, from when the handler's new after-photos count).
ALTER TABLE city_case ADD COLUMN first_dispatched_by text;

-- Cases dispatched before: 改派 after 返工 had set first_dispatched_at to the rework's time and dispatched_by to the
-- redispatcher; the case's first dispatch step says when and by whom it really was.
UPDATE city_case c
   SET first_dispatched_at = s.at, first_dispatched_by = s.actor_id
  FROM (SELECT DISTINCT ON (case_id) case_id, at, actor_id
          FROM case_step
         WHERE event IN ('dispatch', 'redispatch')
         ORDER BY case_id, id) s
 WHERE s.case_id = c.id;
