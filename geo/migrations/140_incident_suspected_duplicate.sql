-- A new incident that looks like an open one the same agency already reported (fusion never merges two reports of one
-- agency: they may be two events) names that incident, so the queue can flag it as 疑似重复 for an operator to merge.
ALTER TABLE incident ADD COLUMN suspected_duplicate_of bigint REFERENCES incident (id);
