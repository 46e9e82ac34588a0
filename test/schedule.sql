-- test/schedule.sql: the schedule of DR_A and DR_B that test/dump_restore.sh
-- and test/upgrade.sh load (the same in 1.0 and 1.1): weekly rows with
-- effective dates and an inactive one, then overrides (a clinic-wide
-- closure, special hours, a smaller period).

-- weekly schedule (0 = Sunday, 6 = Saturday)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources WHERE code = 'DR_A';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
  SELECT id, 6, 'AFTERNOON', '13:00', '17:00', 200 FROM timepool.resources WHERE code = 'DR_A';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT id, 1, 'DAY', '08:00', '16:00' FROM timepool.resources WHERE code = 'DR_A';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_until)
  SELECT id, 6, 'MORNING', '09:00', '11:00', '2025-12-31' FROM timepool.resources WHERE code = 'DR_B';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes, effective_from)
  SELECT id, 6, 'MORNING', '10:00', '13:00', 150, '2026-01-01' FROM timepool.resources WHERE code = 'DR_B';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, is_active)
  SELECT id, 6, 'LATE', '11:30', '12:30', false FROM timepool.resources WHERE code = 'DR_B';

-- overrides
INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2025-12-27', true, 'clinic closed for the holidays');
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, reason)
  SELECT id, '2025-11-15', 'EVENING', '18:00', '20:00', 'late clinic' FROM timepool.resources WHERE code = 'DR_B';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
  SELECT id, '2025-11-22', 'MORNING', '10:00', '12:00', 90 FROM timepool.resources WHERE code = 'DR_A';
