-- Where the changes of a period after $1 start in sequence order: before the last change logged a minute before
-- it. A change's time is its transaction's start, so sequence (commit) order may differ from time order by as long
-- as a writer holds the change-log lock; a minute is far longer than any does.
SELECT coalesce(
  (SELECT seq FROM change_log WHERE at <= $1::timestamptz - interval '1 minute' ORDER BY at DESC, seq DESC LIMIT 1),
  0) AS seq
