-- The dashboard's queue newest first within a status, and "my reports", without sorting or
-- scanning 50,000 rows (bench/dashboard.py: status=new went from 28.6 ms to 0.2 ms, and the
-- bot's reply p99 with 50 dashboards open from 115.9 ms to 14.0 ms, since both share one connection).
CREATE INDEX reports_status_id ON reports (status, id);
CREATE INDEX reports_taken_id ON reports (taken_by, id) WHERE taken_by IS NOT NULL;
