-- test/pgtap/constraints.sql: the CHECK, UNIQUE, EXCLUDE, FOREIGN KEY and
-- NOT NULL constraints of every timepool table, each shown to refuse a bad
-- row with its SQLSTATE (23514 check, 23505 unique, 23P01 exclusion,
-- 23503 foreign key, 23502 not null) and to accept the good row next to it;
-- and the rules 1.1's triggers keep: a service's code does not change
-- (22023), settings keeps one row (23001) with a valid time zone (23514).
-- 1.3's: resources.max_concurrent (1 by default, >= 1 or NULL) and
-- resource_services (its key, and foreign keys that cascade).  1.5's:
-- settings.nearly_full_percent (80 by default, 1 to 100).
BEGIN;
CREATE EXTENSION timepool;
-- bookings below are on Saturday 2025-11-15 (day_of_week 6)
SET timepool.today = '2025-11-14';
SELECT plan(222);

---------------------------------------------------------------------------
-- resources
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Doctor A')$$,
                'resources: a valid resource is accepted');
SELECT is((SELECT is_active FROM timepool.resources WHERE code = 'DR_A'), true,
          'resources: is_active defaults to true');
SELECT lives_ok($$INSERT INTO timepool.resources (code, name)
                  VALUES ('R' || repeat('9', 49), 'fifty character code')$$,
                'resources: a 50-character code is accepted');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name)
                   VALUES ('R' || repeat('9', 50), 'fifty-one character code')$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_code_format"',
                 'resources: a 51-character code is refused (resources_code_format)');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('dr_b', 'lower case')$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_code_format"',
                 'resources: a lower-case code is refused');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('1DR', 'digit first')$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_code_format"',
                 'resources: a code starting with a digit is refused');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR-B', 'hyphen')$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_code_format"',
                 'resources: a code with a hyphen is refused');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_B', '   ')$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_name_length"',
                 'resources: a blank name is refused (resources_name_length)');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_B', repeat('n', 201))$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_name_length"',
                 'resources: a 201-character name is refused');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'again')$$,
                 '23505',
                 'duplicate key value violates unique constraint "resources_code_key"',
                 'resources: a duplicate code is refused (resources_code_key)');
SELECT throws_ok($$INSERT INTO timepool.resources (code) VALUES ('DR_B')$$,
                 '23502',
                 'null value in column "name" of relation "resources" violates not-null constraint',
                 'resources: a missing name is refused (NOT NULL)');
SELECT throws_ok($$INSERT INTO timepool.resources (id, code, name) VALUES (4242, 'DR_B', 'explicit id')$$,
                 '428C9',
                 'cannot insert a non-DEFAULT value into column "id"',
                 'resources: id is GENERATED ALWAYS, an explicit id is refused');
SELECT lives_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_B', 'Doctor B'),
                                                                    ('ROOM_1', 'Room 1')$$,
                'resources: two more valid resources are accepted');
-- 1.3: max_concurrent, the clock limit: 1 by default, at least 1, or NULL (none)
SELECT is((SELECT array_agg(max_concurrent ORDER BY code) FROM timepool.resources
            WHERE code IN ('DR_A', 'DR_B', 'ROOM_1')),
          ARRAY[1, 1, 1], 'resources: max_concurrent defaults to 1 (one booking at a time)');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_C', 'zero at once', 0)$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_max_concurrent_range"',
                 'resources: max_concurrent 0 is refused (resources_max_concurrent_range)');
SELECT throws_ok($$INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_C', 'negative', -1)$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_max_concurrent_range"',
                 'resources: a negative max_concurrent is refused');
SELECT throws_ok($$UPDATE timepool.resources SET max_concurrent = 0 WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "resources" violates check constraint "resources_max_concurrent_range"',
                 'resources: an UPDATE to max_concurrent 0 is refused');
SELECT lives_ok($$UPDATE timepool.resources SET max_concurrent = 3 WHERE code = 'ROOM_1'$$,
                'resources: max_concurrent 3 (three bookings at once) is accepted');
SELECT lives_ok($$UPDATE timepool.resources SET max_concurrent = NULL WHERE code = 'ROOM_1'$$,
                'resources: max_concurrent NULL (no clock limit) is accepted');
SELECT is((SELECT count(*)::int FROM timepool.resources WHERE code = 'DR_C'), 0,
          'resources: the refused rows were not added');

---------------------------------------------------------------------------
-- service_categories
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('GENERAL', 'General')$$,
                'categories: a valid category is accepted');
SELECT is((SELECT display_order FROM timepool.service_categories WHERE code = 'GENERAL'), 0,
          'categories: display_order defaults to 0');
SELECT lives_ok($$INSERT INTO timepool.service_categories (code, name, display_order)
                  VALUES ('C' || repeat('9', 49), 'fifty character code', 5)$$,
                'categories: a 50-character code is accepted');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('C' || repeat('9', 50), 'x')$$,
                 '23514',
                 'new row for relation "service_categories" violates check constraint "service_categories_code_format"',
                 'categories: a 51-character code is refused (service_categories_code_format)');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('general', 'x')$$,
                 '23514',
                 'new row for relation "service_categories" violates check constraint "service_categories_code_format"',
                 'categories: a lower-case code is refused');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('1ST', 'x')$$,
                 '23514',
                 'new row for relation "service_categories" violates check constraint "service_categories_code_format"',
                 'categories: a code starting with a digit is refused');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('BLANK', '  ')$$,
                 '23514',
                 'new row for relation "service_categories" violates check constraint "service_categories_name_length"',
                 'categories: a blank name is refused (service_categories_name_length)');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('LONG', repeat('n', 201))$$,
                 '23514',
                 'new row for relation "service_categories" violates check constraint "service_categories_name_length"',
                 'categories: a 201-character name is refused');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('GENERAL', 'again')$$,
                 '23505',
                 'duplicate key value violates unique constraint "service_categories_code_key"',
                 'categories: a duplicate code is refused (service_categories_code_key)');
SELECT throws_ok($$INSERT INTO timepool.service_categories (code) VALUES ('NONAME')$$,
                 '23502',
                 'null value in column "name" of relation "service_categories" violates not-null constraint',
                 'categories: a missing name is refused (NOT NULL)');
SELECT throws_ok($$INSERT INTO timepool.service_categories (id, code, name) VALUES (4242, 'EXPLICIT', 'x')$$,
                 '428C9',
                 'cannot insert a non-DEFAULT value into column "id"',
                 'categories: id is GENERATED ALWAYS, an explicit id is refused');
SELECT lives_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('IMAGING', 'Imaging'),
                                                                             ('UNUSED', 'Unused')$$,
                'categories: two more valid categories are accepted');

---------------------------------------------------------------------------
-- services
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, price)
                  VALUES ('CONSULT', 'Consultation', 30, 50)$$,
                'services: a valid service is accepted');
SELECT is((SELECT buffer_minutes FROM timepool.services WHERE code = 'CONSULT'), 0,
          'services: buffer_minutes defaults to 0');
SELECT is((SELECT ARRAY[is_active, is_visible] FROM timepool.services WHERE code = 'CONSULT'),
          ARRAY[true, true], 'services: is_active and is_visible default to true');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('svc', 'x', 30)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_code_format"',
                 'services: a lower-case code is refused (services_code_format)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('S1', '', 30)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_name_length"',
                 'services: an empty name is refused (services_name_length)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('S1', 'x', 0)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_duration_range"',
                 'services: duration 0 is refused (services_duration_range)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('S1', 'x', 1441)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_duration_range"',
                 'services: duration 1441 is refused');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('S_ONE', 'x', 1)$$,
                'services: duration 1 is accepted');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('S_DAY', 'x', 1440)$$,
                'services: duration 1440 (a whole day, no buffer) is accepted');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes)
                   VALUES ('S1', 'x', 30, -1)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_buffer_range"',
                 'services: a negative buffer is refused (services_buffer_range)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes)
                   VALUES ('S1', 'x', 1, 1441)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_buffer_range"',
                 'services: a 1441-minute buffer is refused');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes)
                   VALUES ('S1', 'x', 1000, 441)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_required_fits_day"',
                 'services: duration + buffer over 1440 is refused (services_required_fits_day)');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes)
                  VALUES ('S_FULL', 'x', 1000, 440)$$,
                'services: duration + buffer = 1440 is accepted');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, price)
                   VALUES ('S1', 'x', 30, -0.01)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_price_nonnegative"',
                 'services: a negative price is refused (services_price_nonnegative)');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, price)
                  VALUES ('S_FREE', 'x', 30, 0)$$,
                'services: price 0 is accepted');
-- the category is a category's code (services_category_fkey)
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, category)
                   VALUES ('S1', 'x', 30, '')$$,
                 '23503',
                 'insert or update on table "services" violates foreign key constraint "services_category_fkey"',
                 'services: an empty category is refused (services_category_fkey)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, category)
                   VALUES ('S1', 'x', 30, 'General')$$,
                 '23503',
                 'insert or update on table "services" violates foreign key constraint "services_category_fkey"',
                 'services: a category''s name instead of its code is refused');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, category)
                  VALUES ('S_GEN', 'x', 30, 'GENERAL'), ('S_IMG', 'x', 30, 'IMAGING')$$,
                'services: a category''s code is accepted');
SELECT throws_ok($$UPDATE timepool.services SET category = 'NOPE' WHERE code = 'S_GEN'$$,
                 '23503',
                 'insert or update on table "services" violates foreign key constraint "services_category_fkey"',
                 'services: moving a service to an unknown category is refused');
SELECT lives_ok($$UPDATE timepool.service_categories SET code = 'GENERAL_CARE' WHERE code = 'GENERAL'$$,
                'categories: a category''s code can be changed');
SELECT is((SELECT category FROM timepool.services WHERE code = 'S_GEN'), 'GENERAL_CARE',
          'services: a category''s new code cascades to its services (ON UPDATE CASCADE)');
SELECT throws_ok($$DELETE FROM timepool.service_categories WHERE code = 'GENERAL_CARE'$$,
                 '23503',
                 'update or delete on table "service_categories" violates foreign key constraint "services_category_fkey" on table "services"',
                 'categories: a category with services cannot be deleted (ON DELETE RESTRICT)');
SELECT lives_ok($$DELETE FROM timepool.service_categories WHERE code = 'UNUSED'$$,
                'categories: a category without services can be deleted');
-- 1.1's policy columns: NULL (the clinic's), or within their ranges
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, min_notice_minutes)
                   VALUES ('S1', 'x', 30, -1)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_min_notice_range"',
                 'services: a negative min_notice_minutes is refused (services_min_notice_range)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, min_notice_minutes)
                   VALUES ('S1', 'x', 30, 525601)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_min_notice_range"',
                 'services: min_notice_minutes 525601 (over a year) is refused');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, min_notice_minutes)
                  VALUES ('S_MN_0', 'x', 30, 0), ('S_MN_MAX', 'x', 30, 525600)$$,
                'services: min_notice_minutes 0 and 525600 are accepted');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, max_advance_days)
                   VALUES ('S1', 'x', 30, -1)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_max_advance_range"',
                 'services: a negative max_advance_days is refused (services_max_advance_range)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, max_advance_days)
                   VALUES ('S1', 'x', 30, 3661)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_max_advance_range"',
                 'services: max_advance_days 3661 is refused');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, max_advance_days)
                  VALUES ('S_MA_0', 'x', 30, 0), ('S_MA_MAX', 'x', 30, 3660)$$,
                'services: max_advance_days 0 and 3660 are accepted');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, daily_cap_minutes)
                   VALUES ('S1', 'x', 30, 0)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_daily_cap_range"',
                 'services: a daily cap of 0 is refused (services_daily_cap_range)');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, daily_cap_minutes)
                   VALUES ('S1', 'x', 30, 1000001)$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_daily_cap_range"',
                 'services: a daily cap of 1000001 is refused');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, daily_cap_minutes)
                  VALUES ('S_CAP_1', 'x', 30, 1), ('S_CAP_MAX', 'x', 30, 1000000)$$,
                'services: daily caps of 1 and 1000000 are accepted');
SELECT throws_ok($$UPDATE timepool.services SET daily_cap_minutes = 0 WHERE code = 'S_CAP_1'$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_daily_cap_range"',
                 'services: an UPDATE to a daily cap of 0 is refused');
SELECT is((SELECT ARRAY[min_notice_minutes, max_advance_days, daily_cap_minutes] FROM timepool.services WHERE code = 'S_GEN'),
          ARRAY[NULL, NULL, NULL]::int[], 'services: the policy columns default to NULL');
-- the code of a service does not change (services_keep_code)
SELECT throws_ok($$UPDATE timepool.services SET code = 'S_GENERAL' WHERE code = 'S_GEN'$$,
                 '22023',
                 'the code of a service cannot be changed',
                 'services: changing a service''s code is refused (22023)');
SELECT lives_ok($$UPDATE timepool.services SET code = code, name = 'renamed' WHERE code = 'S_GEN'$$,
                'services: an UPDATE that sets the code to itself is accepted');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes, description)
                   VALUES ('S1', 'x', 30, repeat('d', 4001))$$,
                 '23514',
                 'new row for relation "services" violates check constraint "services_description_length"',
                 'services: a 4001-character description is refused');
SELECT throws_ok($$INSERT INTO timepool.services (code, name) VALUES ('S1', 'x')$$,
                 '23502',
                 'null value in column "duration_minutes" of relation "services" violates not-null constraint',
                 'services: a missing duration is refused (NOT NULL)');
-- the code is unique among services that are not deleted
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'dup', 20)$$,
                 '23505',
                 'duplicate key value violates unique constraint "services_code_key"',
                 'services: a second live service with the same code is refused (services_code_key)');
SELECT lives_ok($$UPDATE timepool.services SET deleted_at = now() WHERE code = 'CONSULT'$$,
                'services: soft-deleting a service is accepted');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price)
                  VALUES ('CONSULT', 'Consultation', 30, 10, 60)$$,
                'services: a deleted code can be used again by a new service');
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, deleted_at)
                  VALUES ('CONSULT', 'another deleted one', 30, now())$$,
                'services: several deleted services may share a code');
SELECT throws_ok($$INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'third', 30)$$,
                 '23505',
                 'duplicate key value violates unique constraint "services_code_key"',
                 'services: a live duplicate is still refused while one CONSULT is live');
SELECT throws_ok($$UPDATE timepool.services SET deleted_at = NULL
                    WHERE code = 'CONSULT' AND name = 'another deleted one'$$,
                 '23505',
                 'duplicate key value violates unique constraint "services_code_key"',
                 'services: undeleting a service whose code is taken again is refused');
SELECT is((SELECT count(*)::int FROM timepool.services WHERE code = 'CONSULT'), 3,
          'services: three CONSULT rows, one of them live');

---------------------------------------------------------------------------
-- resource_services (1.3): who performs what (ROOM_1 only, which nothing
-- books)
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.resource_services (resource_id, service_id)
                  SELECT r.id, s.id FROM timepool.resources r, timepool.services s
                   WHERE r.code = 'ROOM_1' AND s.code IN ('S_ONE', 'S_DAY')$$,
                'resource_services: two services of ROOM_1 are accepted');
SELECT is((SELECT count(*)::int FROM timepool.resource_services WHERE created_at IS NOT NULL), 2,
          'resource_services: created_at is filled in (defaults to now())');
SELECT throws_ok($$INSERT INTO timepool.resource_services (resource_id, service_id)
                   SELECT r.id, s.id FROM timepool.resources r, timepool.services s
                    WHERE r.code = 'ROOM_1' AND s.code = 'S_ONE'$$,
                 '23505',
                 'duplicate key value violates unique constraint "resource_services_pkey"',
                 'resource_services: the same resource and service twice is refused (resource_services_pkey)');
SELECT throws_ok($$INSERT INTO timepool.resource_services (resource_id, service_id)
                   SELECT 987654321, id FROM timepool.services WHERE code = 'S_ONE'$$,
                 '23503',
                 'insert or update on table "resource_services" violates foreign key constraint "resource_services_resource_id_fkey"',
                 'resource_services: an unknown resource_id is refused (foreign key)');
SELECT throws_ok($$INSERT INTO timepool.resource_services (resource_id, service_id)
                   SELECT id, 987654321 FROM timepool.resources WHERE code = 'ROOM_1'$$,
                 '23503',
                 'insert or update on table "resource_services" violates foreign key constraint "resource_services_service_id_fkey"',
                 'resource_services: an unknown service_id is refused (foreign key)');
SELECT throws_ok($$INSERT INTO timepool.resource_services (resource_id)
                   SELECT id FROM timepool.resources WHERE code = 'ROOM_1'$$,
                 '23502',
                 'null value in column "service_id" of relation "resource_services" violates not-null constraint',
                 'resource_services: a missing service_id is refused (NOT NULL)');
SELECT throws_ok($$INSERT INTO timepool.resource_services (service_id)
                   SELECT id FROM timepool.services WHERE code = 'S_ONE'$$,
                 '23502',
                 'null value in column "resource_id" of relation "resource_services" violates not-null constraint',
                 'resource_services: a missing resource_id is refused (NOT NULL)');
SELECT lives_ok($$DELETE FROM timepool.services WHERE code = 'S_DAY'$$,
                'services: a service without reservations that a resource performs can be deleted');
SELECT is((SELECT array_agg(s.code) FROM timepool.resource_services rs
             JOIN timepool.services s ON s.id = rs.service_id),
          ARRAY['S_ONE'], 'resource_services: ON DELETE CASCADE removed S_DAY''s row, S_ONE''s stays');

---------------------------------------------------------------------------
-- clinic_time_slots
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                  SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                'slots: a valid weekly row without capacity is accepted');
SELECT is((SELECT capacity_minutes FROM timepool.clinic_time_slots WHERE period = 'MORNING'), 180,
          'slots: capacity_minutes defaults to the window length (180)');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots
                    (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                  SELECT id, 6, 'AFTERNOON', '12:00', '15:00', 120 FROM timepool.resources WHERE code = 'DR_A'$$,
                'slots: an adjacent window (12:00-15:00 after 09:00-12:00) with capacity 120 is accepted');
SELECT is((SELECT capacity_minutes FROM timepool.clinic_time_slots WHERE period = 'AFTERNOON'), 120,
          'slots: an explicit capacity is kept');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                   SELECT id, 1, 'P1', '09:00', '10:00', 0 FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_capacity_range"',
                 'slots: capacity 0 is refused (clinic_time_slots_capacity_range)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                   SELECT id, 1, 'P1', '09:00', '10:00', 61 FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_capacity_range"',
                 'slots: capacity above the window length is refused');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                   SELECT id, 1, 'P1', '10:00', '10:00', 1 FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_window"',
                 'slots: an empty window (end = start) is refused (clinic_time_slots_window)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                   SELECT id, 1, 'P1', '11:00', '10:00', 1 FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_window"',
                 'slots: end before start is refused (clinic_time_slots_window)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 1, 'P1', '11:00', '10:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_window"',
                 'slots: end before start without a capacity is refused for its window, not for the missing capacity');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
                   SELECT id, 1, 'P1', '09:00:30', '10:00', 30 FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_whole_minutes"',
                 'slots: a start with seconds is refused (clinic_time_slots_whole_minutes)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 7, 'P1', '09:00', '10:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_day_range"',
                 'slots: day_of_week 7 is refused (clinic_time_slots_day_range)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, -1, 'P1', '09:00', '10:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_day_range"',
                 'slots: day_of_week -1 is refused');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 1, 'morning', '09:00', '10:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_period_format"',
                 'slots: a lower-case period is refused (clinic_time_slots_period_format)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, effective_from, effective_until)
                   SELECT id, 1, 'P1', '09:00', '10:00', '2025-12-01', '2025-11-30'
                     FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_effective_range"',
                 'slots: effective_until before effective_from is refused (clinic_time_slots_effective_range)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, effective_from)
                   SELECT id, 1, 'P1', '09:00', '10:00', 'infinity' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23514',
                 'new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_effective_range"',
                 'slots: an infinite effective_from is refused');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   VALUES (987654321, 1, 'P1', '09:00', '10:00')$$,
                 '23503',
                 'insert or update on table "clinic_time_slots" violates foreign key constraint "clinic_time_slots_resource_id_fkey"',
                 'slots: an unknown resource_id is refused (foreign key)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, end_time)
                   SELECT id, 1, 'P1', '10:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                 '23502',
                 'null value in column "start_time" of relation "clinic_time_slots" violates not-null constraint',
                 'slots: a missing start_time is refused (NOT NULL)');
-- exclusion: no two active rows of a resource and day overlap, in time or by period label
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 6, 'LATE_MORNING', '11:00', '13:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23P01',
                 'conflicting key value violates exclusion constraint "clinic_time_slots_no_overlap"',
                 'slots: an overlapping window on the same resource and day is refused (clinic_time_slots_no_overlap)');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 6, 'MORNING', '16:00', '17:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23P01',
                 'conflicting key value violates exclusion constraint "clinic_time_slots_period_once"',
                 'slots: the same period twice on the same resource and day is refused (clinic_time_slots_period_once)');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                  SELECT id, 6, 'MORNING', '09:00', '11:00' FROM timepool.resources WHERE code = 'DR_B'$$,
                'slots: the same window and period on another resource is accepted');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                  SELECT id, 5, 'MORNING', '09:00', '12:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                'slots: the same window and period on another day is accepted');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots
                    (resource_id, day_of_week, period, start_time, end_time, is_active)
                  SELECT id, 6, 'MORNING', '10:00', '11:00', false FROM timepool.resources WHERE code = 'DR_A'$$,
                'slots: an overlapping but inactive row is accepted');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots
                    (resource_id, day_of_week, period, start_time, end_time, effective_until)
                  SELECT id, 2, 'DAY', '08:00', '16:00', '2025-12-31' FROM timepool.resources WHERE code = 'ROOM_1'$$,
                'slots: a row effective until 2025-12-31 is accepted');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots
                    (resource_id, day_of_week, period, start_time, end_time, effective_from)
                  SELECT id, 2, 'DAY', '10:00', '18:00', '2026-01-01' FROM timepool.resources WHERE code = 'ROOM_1'$$,
                'slots: the same day and period effective from 2026-01-01 (no overlap in dates) is accepted');
-- effective dates are inclusive at both ends ('[]')
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots
                     (resource_id, day_of_week, period, start_time, end_time, effective_from)
                   SELECT id, 2, 'EARLY', '08:00', '09:00', '2025-12-31' FROM timepool.resources WHERE code = 'ROOM_1'$$,
                 '23P01',
                 'conflicting key value violates exclusion constraint "clinic_time_slots_no_overlap"',
                 'slots: a row starting on 2025-12-31 overlaps the row effective until 2025-12-31');
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots
                    (resource_id, day_of_week, period, start_time, end_time, effective_from)
                  SELECT id, 2, 'EARLY', '08:00', '09:00', '2026-01-01' FROM timepool.resources WHERE code = 'ROOM_1'$$,
                'slots: the same row starting on 2026-01-01 overlaps nothing');
SELECT throws_ok($$UPDATE timepool.clinic_time_slots SET is_active = true
                    WHERE is_active = false AND day_of_week = 6$$,
                 '23P01',
                 'conflicting key value violates exclusion constraint "clinic_time_slots_no_overlap"',
                 'slots: re-activating an overlapping inactive row is refused');

---------------------------------------------------------------------------
-- schedule_overrides
---------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed, reason)
                  VALUES ('2025-12-25', true, 'Christmas')$$,
                'overrides: a clinic-wide whole-day closure is accepted');
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
                  SELECT id, '2025-11-22', 'EXTRA', '16:00', '20:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                'overrides: special hours for one resource and period are accepted');
SELECT is((SELECT ARRAY[capacity_minutes::text, is_closed::text] FROM timepool.schedule_overrides WHERE period = 'EXTRA'),
          ARRAY['240', 'false'],
          'overrides: is_closed defaults to false and capacity_minutes to the window length');
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed)
                  SELECT id, '2025-11-22', 'MORNING', true FROM timepool.resources WHERE code = 'DR_A'$$,
                'overrides: closing one period of one resource is accepted');
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed)
                  SELECT id, '2025-12-25', true FROM timepool.resources WHERE code = 'DR_A'$$,
                'overrides: a resource''s own whole-day closure next to the clinic-wide one is accepted');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed) VALUES ('2025-12-25', true)$$,
                 '23505',
                 'duplicate key value violates unique constraint "schedule_overrides_once"',
                 'overrides: a second clinic-wide whole-day row for a date is refused (schedule_overrides_once)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
                   SELECT id, '2025-11-22', 'MORNING', '10:00', '11:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23505',
                 'duplicate key value violates unique constraint "schedule_overrides_once"',
                 'overrides: a second row for the same resource, date and period is refused');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed)
                   SELECT id, '2025-12-25', true FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23505',
                 'duplicate key value violates unique constraint "schedule_overrides_once"',
                 'overrides: a second whole-day row for the same resource and date is refused');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, start_time, end_time, capacity_minutes)
                   SELECT id, '2025-11-29', false, '09:00', '10:00', 60 FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_whole_day_closes"',
                 'overrides: whole-day special hours (period NULL, open) are refused (schedule_overrides_whole_day_closes)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time)
                   SELECT id, '2025-11-29', 'MORNING', true, '09:00', '10:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_hours"',
                 'overrides: a closure with hours is refused (schedule_overrides_hours)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed)
                   SELECT id, '2025-11-29', 'MORNING', false FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_hours"',
                 'overrides: open hours without a window are refused');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
                   SELECT id, '2025-11-29', 'MORNING', '10:00', '09:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_window"',
                 'overrides: end before start is refused (schedule_overrides_window)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
                   SELECT id, '2025-11-29', 'MORNING', '09:00', '10:00', 61 FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_capacity_range"',
                 'overrides: capacity above the window length is refused (schedule_overrides_capacity_range)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
                   SELECT id, '2025-11-29', 'MORNING', '09:00', '10:00', 0 FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_capacity_range"',
                 'overrides: capacity 0 is refused');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
                   SELECT id, '2025-11-29', 'MORNING', '09:00', '10:00:01' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_whole_minutes"',
                 'overrides: an end with seconds is refused (schedule_overrides_whole_minutes)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed) VALUES ('infinity', true)$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_date_finite"',
                 'overrides: an infinite date is refused (schedule_overrides_date_finite)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (date, period, is_closed) VALUES ('2025-11-29', 'Morning', true)$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_period_format"',
                 'overrides: a malformed period is refused (schedule_overrides_period_format)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2025-11-29', true, repeat('r', 501))$$,
                 '23514',
                 'new row for relation "schedule_overrides" violates check constraint "schedule_overrides_reason_length"',
                 'overrides: a 501-character reason is refused (schedule_overrides_reason_length)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (987654321, '2025-11-29', true)$$,
                 '23503',
                 'insert or update on table "schedule_overrides" violates foreign key constraint "schedule_overrides_resource_id_fkey"',
                 'overrides: an unknown resource_id is refused (foreign key)');
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (is_closed) VALUES (true)$$,
                 '23502',
                 'null value in column "date" of relation "schedule_overrides" violates not-null constraint',
                 'overrides: a missing date is refused (NOT NULL)');
-- a resource's schedule goes with it
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed)
                  SELECT id, '2025-12-24', true FROM timepool.resources WHERE code = 'ROOM_1'$$,
                'overrides: a closure of ROOM_1 is accepted');
SELECT lives_ok($$DELETE FROM timepool.resources WHERE code = 'ROOM_1'$$,
                'resources: a resource without reservations can be deleted');
SELECT is((SELECT count(*)::int FROM timepool.clinic_time_slots s
            WHERE NOT EXISTS (SELECT FROM timepool.resources r WHERE r.id = s.resource_id))
          + (SELECT count(*)::int FROM timepool.schedule_overrides o
              WHERE o.resource_id IS NOT NULL
                AND NOT EXISTS (SELECT FROM timepool.resources r WHERE r.id = o.resource_id)),
          0, 'slots, overrides: ON DELETE CASCADE removed ROOM_1''s weekly rows and overrides');
SELECT is((SELECT count(*)::int FROM timepool.resource_services), 0,
          'resource_services: ON DELETE CASCADE removed ROOM_1''s rows');

---------------------------------------------------------------------------
-- reservations
---------------------------------------------------------------------------
CREATE TEMP TABLE ids AS
  SELECT (SELECT id FROM timepool.resources WHERE code = 'DR_A') AS dr_a,
         (SELECT id FROM timepool.services WHERE code = 'CONSULT' AND deleted_at IS NULL) AS consult;

SELECT lives_ok($$SELECT timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Ann',
                                               p_resource => 'DR_A', p_idempotency_key => 'key-1')$$,
                'reservations: book_service books CONSULT at 09:00');
SELECT is((SELECT status FROM timepool.reservations WHERE idempotency_key = 'key-1'), 'PENDING',
          'reservations: a new booking is PENDING');
SELECT lives_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                  SELECT dr_a, consult, '2025-11-15', '09:40', 'Bob' FROM ids$$,
                'reservations: a plain INSERT with only resource, service, date, start and patient is accepted');
SELECT row_eq($$SELECT service_code, service_name, duration_minutes, buffer_minutes, required_minutes,
                       price, end_time, period, status
                  FROM timepool.reservations WHERE patient_name = 'Bob'$$,
              ROW('CONSULT'::text, 'Consultation'::text, 30, 10, 40, 60.00::numeric(12,2),
                  '10:20'::time, 'MORNING'::text, 'PENDING'::text),
              'reservations: the BEFORE trigger filled the service snapshot, end_time, period and status');

-- CHECK constraints (every other column given, so that only the one under test is wrong)
CREATE TEMP VIEW probe AS
  SELECT dr_a AS resource_id, consult AS service_id, 'CONSULT'::text AS service_code,
         'Consultation'::text AS service_name, 30 AS duration_minutes, 10 AS buffer_minutes,
         40 AS required_minutes, 60.00::numeric AS price, '2025-11-15'::date AS reservation_date,
         '11:00'::time AS start_time, '11:40'::time AS end_time, 'MORNING'::text AS period
    FROM ids;
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, status, patient_name)
                   SELECT p.*, 'BOOKED', 'Cy' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_status_valid"',
                 'reservations: an unknown status is refused (reservations_status_valid)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, status, patient_name)
                   SELECT p.*, 'confirmed', 'Cy' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_status_valid"',
                 'reservations: a lower-case status is refused');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT p.*, '   ' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_patient_name_length"',
                 'reservations: a blank patient name is refused (reservations_patient_name_length)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, patient_email)
                   SELECT p.*, 'Cy', 'cy.example.com' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_patient_email_format"',
                 'reservations: an email without @ is refused (reservations_patient_email_format)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, patient_email)
                   SELECT p.*, 'Cy', 'cy @example.com' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_patient_email_format"',
                 'reservations: an email with a space is refused');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, patient_phone)
                   SELECT p.*, 'Cy', repeat('5', 51) FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_patient_phone_length"',
                 'reservations: a 51-character phone is refused (reservations_patient_phone_length)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, notes)
                   SELECT p.*, 'Cy', repeat('n', 4001) FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_notes_length"',
                 'reservations: 4001-character notes are refused (reservations_notes_length)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, idempotency_key)
                   SELECT p.*, 'Cy', '' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_idempotency_key_length"',
                 'reservations: an empty idempotency key is refused (reservations_idempotency_key_length)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, status, cancel_reason)
                   SELECT p.*, 'Cy', 'CANCELLED', repeat('c', 501) FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_cancel_reason_length"',
                 'reservations: a 501-character cancel reason is refused (reservations_cancel_reason_length)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, -1, reservation_date, start_time, end_time, period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_price_nonnegative"',
                 'reservations: a negative price is refused (reservations_price_nonnegative)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          45, price, reservation_date, start_time, '11:45', period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_required_sum"',
                 'reservations: required_minutes <> duration + buffer is refused (reservations_required_sum)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, reservation_date, start_time, '11:30', period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_window"',
                 'reservations: an end_time that is not start + required is refused (reservations_window)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, 0, 0,
                          0, price, reservation_date, start_time, start_time, period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_duration_range"',
                 'reservations: duration 0 is refused (reservations_duration_range)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, 30, -10,
                          20, price, reservation_date, start_time, '11:20', period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_buffer_range"',
                 'reservations: a negative buffer is refused (reservations_buffer_range)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, reservation_date, '11:00:30', '11:40:30', period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_whole_minutes"',
                 'reservations: a start with seconds is refused (reservations_whole_minutes)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, reservation_date, start_time, end_time, 'morning', 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_period_format"',
                 'reservations: a malformed period is refused (reservations_period_format)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, 'infinity', start_time, end_time, period, 'Cy'
                     FROM probe$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_date_finite"',
                 'reservations: an infinite date is refused (reservations_date_finite)');
-- NOT NULL and foreign keys
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period)
                   SELECT p.* FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_patient_named"',
                 'reservations: a booking without a patient name is refused (1.4: reservations_patient_named; only a hold has none)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, status)
                   SELECT p.*, 'HELD' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_hold_expiry"',
                 'reservations: a HELD row without hold_expires_at is refused (reservations_hold_expiry)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, hold_expires_at)
                   SELECT p.*, 'Cy', '2025-11-14 10:05+00' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_hold_expiry"',
                 'reservations: a PENDING row with hold_expires_at is refused (reservations_hold_expiry)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, status, patient_name, hold_expires_at)
                   SELECT p.*, 'CONFIRMED', 'Cy', '2025-11-14 10:05+00' FROM probe p$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_hold_expiry"',
                 'reservations: a CONFIRMED row with hold_expires_at is refused (reservations_hold_expiry)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, access_token)
                   SELECT p.*, 'Cy', NULL FROM probe p$$,
                 '23502',
                 'null value in column "access_token" of relation "reservations" violates not-null constraint',
                 'reservations: a NULL access token is refused (NOT NULL)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, access_token)
                   SELECT p.*, 'Cy', (SELECT access_token FROM timepool.reservations WHERE idempotency_key = 'key-1') FROM probe p$$,
                 '23505',
                 'duplicate key value violates unique constraint "reservations_access_token_key"',
                 'reservations: another reservation''s access token is refused (reservations_access_token_key)');
SELECT throws_ok($$UPDATE timepool.reservations SET status = 'HOLD' WHERE idempotency_key = 'key-1'$$,
                 '23514',
                 'new row for relation "reservations" violates check constraint "reservations_status_valid"',
                 'reservations: HOLD is no status (HELD is)');
SELECT is((SELECT count(DISTINCT access_token)::int || '/' || count(*) FROM timepool.reservations), '2/2',
          'reservations: each reservation got an access token of its own (the default)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT resource_id, 987654321, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, reservation_date, start_time, end_time, period, 'Cy'
                     FROM probe$$,
                 '23503',
                 'insert or update on table "reservations" violates foreign key constraint "reservations_service_id_fkey"',
                 'reservations: an unknown service_id is refused (foreign key)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name)
                   SELECT 987654321, service_id, service_code, service_name, duration_minutes, buffer_minutes,
                          required_minutes, price, reservation_date, start_time, end_time, period, 'Cy'
                     FROM probe$$,
                 '23503',
                 'insert or update on table "reservations" violates foreign key constraint "reservations_resource_id_fkey"',
                 'reservations: an unknown resource_id is refused (foreign key)');
SELECT throws_ok($$DELETE FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23503',
                 'update or delete on table "resources" violates foreign key constraint "reservations_resource_id_fkey" on table "reservations"',
                 'reservations: a resource with reservations cannot be deleted (ON DELETE RESTRICT)');
SELECT throws_ok($$DELETE FROM timepool.services WHERE code = 'CONSULT' AND deleted_at IS NULL$$,
                 '23503',
                 'update or delete on table "services" violates foreign key constraint "reservations_service_id_fkey" on table "reservations"',
                 'reservations: a service with reservations cannot be deleted (ON DELETE RESTRICT)');
-- idempotency keys are unique
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                     duration_minutes, buffer_minutes, required_minutes, price, reservation_date,
                     start_time, end_time, period, patient_name, idempotency_key)
                   SELECT p.*, 'Cy', 'key-1' FROM probe p$$,
                 '23505',
                 'duplicate key value violates unique constraint "reservations_idempotency_key_key"',
                 'reservations: a used idempotency key is refused on INSERT (reservations_idempotency_key_key)');
SELECT throws_ok($$SELECT timepool.book_service('CONSULT', '2025-11-15', '11:00', 'Someone else',
                                                p_resource => 'DR_A', p_idempotency_key => 'key-1')$$,
                 '23505',
                 'idempotency key "key-1" was already used for a different booking',
                 'reservations: book_service refuses a used key for a different booking');
SELECT is((SELECT (timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Ann',
                                         p_resource => 'DR_A', p_idempotency_key => 'key-1')).id),
          (SELECT id FROM timepool.reservations WHERE idempotency_key = 'key-1'),
          'reservations: book_service repeated with the same key returns the first reservation');
SELECT is((SELECT count(*)::int FROM timepool.reservations), 2,
          'reservations: nothing was added by the refused or repeated calls');
-- the pool's capacity holds for plain INSERTs too (reservations_guard); these
-- are about the pool's minutes, so DR_A takes overlapping bookings (no
-- clock limit: Eve at 11:00 overlaps Dee's 10:20-12:00)
UPDATE timepool.resources SET max_concurrent = NULL WHERE code = 'DR_A';
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('LONG', 'Long', 100);
SELECT lives_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                  SELECT dr_a, (SELECT id FROM timepool.services WHERE code = 'LONG'), '2025-11-15', '10:20', 'Dee'
                    FROM ids$$,
                'reservations: filling MORNING to exactly its 180 minutes is accepted');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                   SELECT dr_a, consult, '2025-11-15', '11:00', 'Eve' FROM ids$$,
                 'TP001',
                 'not enough time left for CONSULT in MORNING on 2025-11-15',
                 'reservations: one more minute than MORNING holds is refused (TP001)');
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                   SELECT dr_a, consult, '2025-11-15', '16:00', 'Eve' FROM ids$$,
                 'TP002',
                 '16:00 on 2025-11-15 is outside the schedule',
                 'reservations: a start outside every period is refused (TP002)');
SELECT lives_ok($$SELECT timepool.cancel_reservation(id, 'changed plans') FROM timepool.reservations
                   WHERE patient_name = 'Bob'$$,
                'reservations: cancelling Bob is accepted');
SELECT lives_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                  SELECT dr_a, consult, '2025-11-15', '11:00', 'Eve' FROM ids$$,
                'reservations: the cancelled booking''s minutes can be booked again');

---------------------------------------------------------------------------
-- settings: one row, a valid time zone, limits within their ranges
---------------------------------------------------------------------------
SELECT throws_ok($$UPDATE timepool.settings SET min_notice_minutes = -1$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_min_notice_range"',
                 'settings: a negative min_notice_minutes is refused (settings_min_notice_range)');
SELECT throws_ok($$UPDATE timepool.settings SET min_notice_minutes = 525601$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_min_notice_range"',
                 'settings: min_notice_minutes 525601 is refused');
SELECT lives_ok($$UPDATE timepool.settings SET min_notice_minutes = 525600$$,
                'settings: min_notice_minutes 525600 is accepted');
SELECT throws_ok($$UPDATE timepool.settings SET max_advance_days = -1$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_max_advance_range"',
                 'settings: a negative max_advance_days is refused (settings_max_advance_range)');
SELECT throws_ok($$UPDATE timepool.settings SET max_advance_days = 3661$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_max_advance_range"',
                 'settings: max_advance_days 3661 is refused');
SELECT lives_ok($$UPDATE timepool.settings SET max_advance_days = 3660$$,
                'settings: max_advance_days 3660 is accepted');
SELECT lives_ok($$UPDATE timepool.settings SET max_advance_days = 0, min_notice_minutes = 0$$,
                'settings: max_advance_days 0 and min_notice_minutes 0 are accepted');
SELECT throws_ok($$UPDATE timepool.settings SET time_zone = 'Mars/Olympus_Mons'$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_time_zone_valid"',
                 'settings: an unknown time zone is refused (settings_time_zone_valid)');
SELECT throws_ok($$UPDATE timepool.settings SET time_zone = 'europe/paris'$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_time_zone_valid"',
                 'settings: a time zone name in the wrong case is refused (names are matched exactly)');
SELECT throws_ok($$UPDATE timepool.settings SET time_zone = '+02:00'$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_time_zone_valid"',
                 'settings: a UTC offset is refused (not a zone name)');
SELECT throws_ok($$UPDATE timepool.settings SET time_zone = NULL$$,
                 '23502',
                 'null value in column "time_zone" of relation "settings" violates not-null constraint',
                 'settings: a NULL time zone is refused (NOT NULL)');
SELECT lives_ok($$UPDATE timepool.settings SET time_zone = 'Europe/Paris'$$,
                'settings: Europe/Paris is accepted');
SELECT throws_ok($$UPDATE timepool.settings SET id = 2$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_single_row"',
                 'settings: the row''s id cannot become 2 (settings_single_row)');
SELECT throws_ok($$INSERT INTO timepool.settings (id, time_zone) VALUES (2, 'UTC')$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_single_row"',
                 'settings: a second row is refused');
SELECT throws_ok($$INSERT INTO timepool.settings (time_zone) VALUES ('Atlantis/Capital')$$,
                 '23514',
                 'new row for relation "settings" violates check constraint "settings_time_zone_valid"',
                 'settings: an INSERT with an unknown time zone is refused');
SELECT lives_ok($$INSERT INTO timepool.settings (time_zone, min_notice_minutes, max_advance_days)
                  VALUES ('Asia/Tokyo', 15, 100)$$,
                'settings: an INSERT of row 1 is accepted');
SELECT results_eq($$SELECT id::int, time_zone, min_notice_minutes, max_advance_days FROM timepool.settings$$,
                  $$VALUES (1, 'Asia/Tokyo', 15, 100)$$,
                  'settings: the INSERT replaced the one row');
SELECT throws_ok($$DELETE FROM timepool.settings$$,
                 '23001', 'timepool.settings must keep its row',
                 'settings: DELETE is refused (23001)');
SELECT throws_ok($$TRUNCATE timepool.settings$$,
                 '23001', 'timepool.settings must keep its row',
                 'settings: TRUNCATE is refused (23001)');
SELECT is((SELECT count(*)::int FROM timepool.settings), 1, 'settings: still one row');
-- 1.4's settings and services columns
SELECT throws_ok($$UPDATE timepool.settings SET cancel_notice_minutes = -1$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_cancel_notice_range"',
                 'settings: a negative cancel_notice_minutes is refused (settings_cancel_notice_range)');
SELECT throws_ok($$UPDATE timepool.settings SET cancel_notice_minutes = 525601$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_cancel_notice_range"',
                 'settings: cancel_notice_minutes over a year (525600) is refused');
SELECT throws_ok($$UPDATE timepool.settings SET cancel_notice_minutes = NULL$$,
                 '23502', 'null value in column "cancel_notice_minutes" of relation "settings" violates not-null constraint',
                 'settings: a NULL cancel_notice_minutes is refused (NOT NULL)');
SELECT throws_ok($$UPDATE timepool.settings SET online_status = 'HELD'$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_online_status_valid"',
                 'settings: online_status HELD is refused (settings_online_status_valid: PENDING or CONFIRMED)');
SELECT throws_ok($$UPDATE timepool.settings SET online_status = NULL$$,
                 '23502', 'null value in column "online_status" of relation "settings" violates not-null constraint',
                 'settings: a NULL online_status is refused (NOT NULL)');
SELECT results_eq($$UPDATE timepool.settings SET cancel_notice_minutes = 525600, online_status = 'CONFIRMED'
                    RETURNING cancel_notice_minutes, online_status$$,
                  $$VALUES (525600, 'CONFIRMED'::text)$$,
                  'settings: cancel_notice_minutes 525600 and online_status CONFIRMED are accepted');
SELECT throws_ok($$UPDATE timepool.services SET cancel_notice_minutes = -1 WHERE code = 'CONSULT' AND deleted_at IS NULL$$,
                 '23514', 'new row for relation "services" violates check constraint "services_cancel_notice_range"',
                 'services: a negative cancel_notice_minutes is refused (services_cancel_notice_range)');
SELECT throws_ok($$UPDATE timepool.services SET cancel_notice_minutes = 525601 WHERE code = 'CONSULT' AND deleted_at IS NULL$$,
                 '23514', 'new row for relation "services" violates check constraint "services_cancel_notice_range"',
                 'services: cancel_notice_minutes over 525600 is refused');
-- 1.5: nearly_full's threshold, a percent from 1 to 100 (80 by default)
SELECT is((SELECT nearly_full_percent FROM timepool.settings), 80,
          'settings: nearly_full_percent is 80, the default (the INSERT above replaced the row without naming it)');
SELECT throws_ok($$UPDATE timepool.settings SET nearly_full_percent = 0$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_nearly_full_range"',
                 'settings: nearly_full_percent 0 is refused (settings_nearly_full_range)');
SELECT throws_ok($$UPDATE timepool.settings SET nearly_full_percent = 101$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_nearly_full_range"',
                 'settings: nearly_full_percent 101 is refused');
SELECT throws_ok($$UPDATE timepool.settings SET nearly_full_percent = NULL$$,
                 '23502', 'null value in column "nearly_full_percent" of relation "settings" violates not-null constraint',
                 'settings: a NULL nearly_full_percent is refused (NOT NULL)');
SELECT throws_ok($$INSERT INTO timepool.settings (time_zone, nearly_full_percent) VALUES ('UTC', 0)$$,
                 '23514', 'new row for relation "settings" violates check constraint "settings_nearly_full_range"',
                 'settings: an INSERT (which replaces the row) with nearly_full_percent 0 is refused too');
SELECT results_eq($$UPDATE timepool.settings SET nearly_full_percent = 1 RETURNING nearly_full_percent$$,
                  $$VALUES (1)$$, 'settings: nearly_full_percent 1 is accepted');
SELECT results_eq($$UPDATE timepool.settings SET nearly_full_percent = 100 RETURNING nearly_full_percent$$,
                  $$VALUES (100)$$, 'settings: nearly_full_percent 100 is accepted');
SELECT lives_ok($$INSERT INTO timepool.settings (time_zone, nearly_full_percent) VALUES ('Asia/Tokyo', 55)$$,
                'settings: an INSERT of row 1 with nearly_full_percent 55 is accepted');
SELECT results_eq($$SELECT count(*)::int, min(time_zone), min(nearly_full_percent) FROM timepool.settings$$,
                  $$VALUES (1, 'Asia/Tokyo', 55)$$,
                  'settings: the INSERT replaced the one row, nearly_full_percent with it (what a restore''s INSERT relies on)');
-- 1.4: a hold has no patient and has its expiry; released, it is EXPIRED without one
CREATE TEMP TABLE held AS SELECT * FROM timepool.hold_slot('CONSULT', '2025-11-29', '11:00', 'DR_A');
SELECT results_eq($$SELECT r.status, r.patient_name IS NULL, r.hold_expires_at IS NOT NULL, r.access_token = h.access_token
                      FROM timepool.reservations r JOIN held h ON h.id = r.id$$,
                  $$VALUES ('HELD'::text, true, true, true)$$,
                  'reservations: a hold (hold_slot) is HELD, without a patient, with its expiry and token');
SELECT lives_ok($$SELECT timepool.release_hold((SELECT access_token FROM held))$$, 'reservations: release_hold ends the hold');
SELECT results_eq($$SELECT r.status, r.patient_name IS NULL, r.hold_expires_at IS NULL FROM timepool.reservations r JOIN held h ON h.id = r.id$$,
                  $$VALUES ('EXPIRED'::text, true, true)$$,
                  'reservations: a released hold is EXPIRED, still without a patient, without an expiry');
SELECT throws_ok($$UPDATE timepool.reservations SET status = 'CONFIRMED' WHERE id = (SELECT id FROM held)$$,
                 '23514', NULL,
                 'reservations: an EXPIRED row without a patient cannot become a booking');

---------------------------------------------------------------------------
-- audit_log (written here as its owner, a superuser)
---------------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO timepool.audit_log (changed_by, session_role, table_name, action)
                   VALUES ('x', 'x', 'services', 'SELECT')$$,
                 '23514',
                 'new row for relation "audit_log" violates check constraint "audit_log_action_valid"',
                 'audit_log: an unknown action is refused (audit_log_action_valid)');
SELECT throws_ok($$INSERT INTO timepool.audit_log (changed_by, session_role, action)
                   VALUES ('x', 'x', 'DELETE')$$,
                 '23502',
                 'null value in column "table_name" of relation "audit_log" violates not-null constraint',
                 'audit_log: a missing table_name is refused (NOT NULL)');

SELECT * FROM finish();
ROLLBACK;
