-- The department that set a road condition by hand (a handler of 交警 or 防汛), so that another department cannot
-- lift it; NULL for the command centre's and for conditions placed from agency records (lifted by the centre, or
-- with their incident).
ALTER TABLE road_condition
  ADD COLUMN owner_department text REFERENCES department (id);
