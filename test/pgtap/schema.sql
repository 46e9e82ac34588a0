-- test/pgtap/schema.sql: the objects timepool 1.7 installs (1.0's install
-- script and the 1.0--1.1, 1.1--1.2, 1.2--1.3, 1.3--1.4, 1.4--1.5,
-- 1.5--1.6 and 1.6--1.7 upgrades), as the scripts declare them: tables, columns, indexes, views,
-- functions, triggers, the event trigger, comments, and how the extension
-- is registered.
BEGIN;
CREATE EXTENSION timepool;
SELECT plan(681);

-- the extension and its schema
SELECT has_schema('timepool');
SELECT has_extension('timepool', 'timepool', 'extension timepool is installed in schema timepool');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'timepool'), '1.7',
          'timepool is installed at version 1.7');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'timepool'), false,
          'timepool is not relocatable');
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'timepool'),
          'timepool', 'timepool''s schema is timepool');

-- tables, views, sequences, types
SELECT tables_are('timepool', ARRAY['resources', 'services', 'clinic_time_slots',
                                    'schedule_overrides', 'reservations',
                                    'service_categories', 'settings', 'audit_log',
                                    'resource_services', 'notify_queue',
                                    'import_rows', 'import_services', 'import_statuses', 'imported',
                                    'locations', 'location_staff']);
-- 1.7: a location's staff, and the policies of row-level security that
-- keep them to their locations
SELECT columns_are('timepool', 'location_staff', ARRAY['role', 'location_id', 'created_at']);
SELECT col_type_is('timepool', 'location_staff', 'role', 'regrole', 'location_staff.role is a regrole');
SELECT set_eq(
  $$SELECT relname::text FROM pg_class
     WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'r' AND relrowsecurity AND NOT relforcerowsecurity$$,
  ARRAY['locations', 'resources', 'resource_services', 'clinic_time_slots', 'schedule_overrides',
        'reservations', 'location_staff'],
  'row-level security is on for the tables of a location (not forced: timepool''s owner, whose functions decide, is not subject)');
SELECT set_eq(
  $$SELECT tablename::text, policyname::text, permissive, roles::text, cmd, qual, with_check FROM pg_policies
     WHERE schemaname = 'timepool'$$,
  $$VALUES ('locations', 'location_staff_rows', 'PERMISSIVE', '{public}', 'ALL', 'timepool.location_visible(id)', NULL),
           ('resources', 'location_staff_rows', 'PERMISSIVE', '{public}', 'ALL', 'timepool.location_visible(location_id)', NULL),
           ('resource_services', 'location_staff_rows', 'PERMISSIVE', '{public}', 'ALL', 'timepool.resource_visible(resource_id)', NULL),
           ('clinic_time_slots', 'location_staff_rows', 'PERMISSIVE', '{public}', 'ALL', 'timepool.resource_visible(resource_id)', NULL),
           ('reservations', 'location_staff_rows', 'PERMISSIVE', '{public}', 'ALL', 'timepool.resource_visible(resource_id)', NULL),
           ('schedule_overrides', 'location_staff_read', 'PERMISSIVE', '{public}', 'SELECT', '((resource_id IS NULL) OR timepool.resource_visible(resource_id))', NULL),
           ('schedule_overrides', 'location_staff_insert', 'PERMISSIVE', '{public}', 'INSERT', NULL, 'timepool.resource_visible(resource_id)'),
           ('schedule_overrides', 'location_staff_update', 'PERMISSIVE', '{public}', 'UPDATE', 'timepool.resource_visible(resource_id)', 'timepool.resource_visible(resource_id)'),
           ('schedule_overrides', 'location_staff_delete', 'PERMISSIVE', '{public}', 'DELETE', 'timepool.resource_visible(resource_id)', NULL),
           ('location_staff', 'location_staff_read', 'PERMISSIVE', '{public}', 'SELECT', 'timepool.location_visible(location_id)', NULL),
           ('location_staff', 'location_staff_insert', 'PERMISSIVE', '{public}', 'INSERT', NULL, 'timepool.location_visible(NULL::bigint)'),
           ('location_staff', 'location_staff_update', 'PERMISSIVE', '{public}', 'UPDATE', 'timepool.location_visible(NULL::bigint)', 'timepool.location_visible(NULL::bigint)'),
           ('location_staff', 'location_staff_delete', 'PERMISSIVE', '{public}', 'DELETE', 'timepool.location_visible(NULL::bigint)', NULL)$$,
  'the policies of 1.7: a row of a location the reader does not see is not there; group-wide rows and the mapping are written only by who sees every location');
-- 1.7: the locations, a config table; every resource at one
SELECT columns_are('timepool', 'locations',
  ARRAY['id', 'code', 'name', 'time_zone', 'min_notice_minutes', 'max_advance_days', 'cancel_notice_minutes',
        'online_status', 'nearly_full_percent', 'created_at', 'updated_at'],
  'locations has its code, name, time zone, the five policy values and its timestamps');
SELECT col_is_pk('timepool', 'locations', 'id', 'locations.id is the primary key');
SELECT col_is_unique('timepool', 'locations', 'code'::name, 'locations.code is UNIQUE');
SELECT set_eq(
  $$SELECT attname::text, attnotnull FROM pg_attribute
     WHERE attrelid = 'timepool.locations'::regclass AND attnum > 0 AND NOT attisdropped$$,
  $$VALUES ('id', true), ('code', true), ('name', true), ('time_zone', false), ('min_notice_minutes', false),
           ('max_advance_days', false), ('cancel_notice_minutes', false), ('online_status', false),
           ('nearly_full_percent', false), ('created_at', true), ('updated_at', true)$$,
  'each of a location''s policy values and its time zone may be NULL (the group''s)');
SELECT col_not_null('timepool', 'resources', 'location_id', 'resources.location_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'resources', 'location_id',
                         'resources.location_id has no default: its trigger gives the only location');
SELECT fk_ok('timepool', 'resources', 'location_id', 'timepool', 'locations', 'id',
             'resources.location_id references locations.id');
SELECT ok((SELECT pg_extension_config_dump_ok FROM (SELECT 'timepool.locations'::regclass::oid = ANY (extconfig)
                                                        AS pg_extension_config_dump_ok
                                                   FROM pg_extension WHERE extname = 'timepool') c),
          'locations is a config table: pg_dump dumps its rows');
SELECT trigger_is('timepool', 'resources', 'resources_location', 'timepool', 'resources_location',
                  'resources_location() gives a new resource its location');
SELECT trigger_is('timepool', 'locations', 'locations_check_row', 'timepool', 'locations_check_row',
                  'locations_check_row() checks the time zone');
SELECT is((SELECT tgenabled::text FROM pg_trigger
            WHERE tgrelid = 'timepool.locations'::regclass AND tgname = 'locations_invalidate_cache'), 'A',
          'locations_invalidate_cache fires in every session (ENABLE ALWAYS)');
SELECT is((SELECT array_agg(attname::text || ' ' || format_type(atttypid, atttypmod) ORDER BY attnum)
             FROM pg_attribute WHERE attrelid = 'timepool.locations'::regclass AND attnum > 0 AND NOT attisdropped),
          ARRAY['id bigint', 'code text', 'name text', 'time_zone text', 'min_notice_minutes integer',
                'max_advance_days integer', 'cancel_notice_minutes integer', 'online_status text',
                'nearly_full_percent integer', 'created_at timestamp with time zone',
                'updated_at timestamp with time zone'],
          'locations: its columns, in order, with their types');
SELECT col_default_is('timepool', 'locations', 'created_at', 'now()'::text, 'locations.created_at defaults to now()');
SELECT col_default_is('timepool', 'locations', 'updated_at', 'now()'::text, 'locations.updated_at defaults to now()');
SELECT is_empty(
  $$SELECT attname::text FROM pg_attribute
     WHERE attrelid = 'timepool.locations'::regclass AND attnum > 0 AND NOT attisdropped
       AND attname NOT IN ('created_at', 'updated_at') AND atthasdef$$,
  'no other column of locations has a default (NULL: the group''s)');
SELECT col_type_is('timepool', 'resources', 'location_id', 'bigint', 'resources.location_id is bigint');
SELECT is(obj_description('timepool.locations'::regclass, 'pg_class'),
          'the clinics of the group: each resource is at one, whose clock (time zone) and booking policy its rules read; a NULL value is the group''s, in timepool.settings',
          'locations has the comment of the 1.7 script');
SELECT results_eq(
  $$SELECT a.attname::text COLLATE "default", col_description(a.attrelid, a.attnum) COLLATE "default"
      FROM pg_attribute a
     WHERE a.attrelid = 'timepool.locations'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND col_description(a.attrelid, a.attnum) IS NOT NULL
     ORDER BY a.attnum$$,
  $$VALUES
    ('code', 'the location''s code, as the functions'' p_location takes it'),
    ('name', 'the clinic''s name'),
    ('time_zone', 'the clinic''s time zone, a name from pg_timezone_names; NULL: settings.time_zone'),
    ('min_notice_minutes', 'NULL: settings.min_notice_minutes (a service''s own notice wins over both)'),
    ('max_advance_days', 'NULL: settings.max_advance_days (a service''s own limit wins over both)'),
    ('cancel_notice_minutes', 'NULL: settings.cancel_notice_minutes (a service''s own notice wins over both)'),
    ('online_status', 'PENDING or CONFIRMED: the status of an online booking here; NULL: settings.online_status'),
    ('nearly_full_percent', 'the threshold of timepool.nearly_full here; NULL: settings.nearly_full_percent')$$,
  'locations'' columns have the comments of the 1.7 script (id and the timestamps none)');
SELECT is(col_description('timepool.resources'::regclass,
                          (SELECT attnum FROM pg_attribute WHERE attrelid = 'timepool.resources'::regclass
                                                            AND attname = 'location_id')::int),
          'the location the resource is at: its clock and booking policy; without one, the group''s only location',
          'resources.location_id has the comment of the 1.7 script');
SELECT is((SELECT count(*)::int FROM timepool.locations), 0,
          'locations is empty after CREATE EXTENSION (the first resource makes MAIN)');
-- 1.6: the notifier's queue, unlogged, no privilege for anyone, no config table
SELECT has_table('timepool', 'notify_queue', 'table timepool.notify_queue exists');
SELECT is((SELECT relpersistence FROM pg_class WHERE oid = 'timepool.notify_queue'::regclass), 'u',
          'notify_queue is unlogged');
SELECT columns_are('timepool', 'notify_queue', ARRAY['resource_id', 'pool_date', 'period', 'booked_minutes'],
                   'notify_queue has resource_id, pool_date, period and booked_minutes');
SELECT col_type_is('timepool', 'notify_queue', 'resource_id', 'bigint', 'notify_queue.resource_id is bigint');
SELECT col_not_null('timepool', 'notify_queue', 'resource_id', 'notify_queue.resource_id is NOT NULL');
SELECT col_type_is('timepool', 'notify_queue', 'pool_date', 'date', 'notify_queue.pool_date is date');
SELECT col_not_null('timepool', 'notify_queue', 'pool_date', 'notify_queue.pool_date is NOT NULL');
SELECT col_type_is('timepool', 'notify_queue', 'period', 'text', 'notify_queue.period is text');
SELECT col_is_null('timepool', 'notify_queue', 'period', 'notify_queue.period may be NULL (every pool of the day)');
SELECT col_type_is('timepool', 'notify_queue', 'booked_minutes', 'bigint', 'notify_queue.booked_minutes is bigint');
SELECT col_is_null('timepool', 'notify_queue', 'booked_minutes', 'notify_queue.booked_minutes may be NULL (the notifier reads the pool)');
SELECT ok(obj_description('timepool.notify_queue'::regclass, 'pg_class') IS NOT NULL, 'notify_queue has a comment');
SELECT is((SELECT count(*) FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = 'timepool.notify_queue'::regclass))
            WHERE grantee <> (SELECT relowner FROM pg_class WHERE oid = 'timepool.notify_queue'::regclass)), 0::bigint,
          'notify_queue grants nothing to anyone but its owner');
SELECT ok(NOT ('timepool.notify_queue'::regclass::oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'timepool')::oid[])),
          'notify_queue is not a config table (its rows are never dumped)');
SELECT function_returns('timepool', 'notify_wait', ARRAY['interval'], 'boolean', 'notify_wait(interval) returns boolean');
SELECT has_table('timepool', 'resources', 'table timepool.resources exists');
SELECT has_table('timepool', 'services', 'table timepool.services exists');
SELECT has_table('timepool', 'clinic_time_slots', 'table timepool.clinic_time_slots exists');
SELECT has_table('timepool', 'schedule_overrides', 'table timepool.schedule_overrides exists');
SELECT has_table('timepool', 'reservations', 'table timepool.reservations exists');
SELECT has_table('timepool', 'service_categories', 'table timepool.service_categories exists');
SELECT has_table('timepool', 'settings', 'table timepool.settings exists');
SELECT has_table('timepool', 'audit_log', 'table timepool.audit_log exists');
SELECT has_table('timepool', 'resource_services', 'table timepool.resource_services exists (1.3)');
SELECT views_are('timepool', ARRAY['bookable_services', 'reservation_history',
                                   -- 1.5: the report views
                                   'daily_overview', 'service_stats', 'resource_stats',
                                   'overbooked_pools', 'nearly_full']);
SELECT has_view('timepool', 'bookable_services', 'view timepool.bookable_services exists');
SELECT columns_are('timepool', 'bookable_services',
                   ARRAY['id', 'code', 'name', 'description', 'category', 'duration_minutes',
                         'buffer_minutes', 'required_minutes', 'price', 'display_order',
                         'category_name', 'category_display_order']);
SELECT col_type_is('timepool', 'bookable_services', 'required_minutes', 'integer',
                   'bookable_services.required_minutes is integer');
SELECT col_type_is('timepool', 'bookable_services', 'category_name', 'text',
                   'bookable_services.category_name is text');
SELECT col_type_is('timepool', 'bookable_services', 'category_display_order', 'integer',
                   'bookable_services.category_display_order is integer');
SELECT has_view('timepool', 'reservation_history', 'view timepool.reservation_history exists');
SELECT columns_are('timepool', 'reservation_history',
                   ARRAY['reservation_id', 'audit_id', 'changed_at', 'action', 'old_status', 'new_status',
                         'cancel_reason', 'changed_by', 'session_role', 'changes', 'old_row', 'new_row']);
SELECT is((SELECT array_agg(attname::text || ' ' || format_type(atttypid, atttypmod) ORDER BY attnum)
             FROM pg_attribute WHERE attrelid = 'timepool.reservation_history'::regclass AND attnum > 0),
          ARRAY['reservation_id bigint', 'audit_id bigint', 'changed_at timestamp with time zone',
                'action text', 'old_status text', 'new_status text', 'cancel_reason text',
                'changed_by text', 'session_role text', 'changes jsonb', 'old_row jsonb', 'new_row jsonb'],
          'reservation_history: its columns, in order, with their types');
SELECT sequences_are('timepool', ARRAY['resources_id_seq', 'services_id_seq',
                                       'clinic_time_slots_id_seq', 'schedule_overrides_id_seq',
                                       'reservations_id_seq', 'service_categories_id_seq',
                                       'audit_log_id_seq', 'locations_id_seq']);
SELECT set_eq(
  $$SELECT typname::text FROM pg_type
     WHERE typnamespace = 'timepool'::regnamespace AND typtype = 'r'$$,
  ARRAY['time_range', 'label_range'],
  'timepool has exactly the range types time_range and label_range');
SELECT is((SELECT rngsubtype::regtype::text || ' ' || coalesce(rngcollation::regcollation::text, '-')
             FROM pg_range WHERE rngtypid = 'timepool.label_range'::regtype),
          'text "C"', 'label_range is a range over text in the C collation');
SELECT is((SELECT rngsubtype::regtype::text FROM pg_range WHERE rngtypid = 'timepool.time_range'::regtype),
          'time without time zone', 'time_range is a range over time');

-- every id but settings' (one row, id 1) is GENERATED ALWAYS AS IDENTITY,
-- backed by its sequence
SELECT set_eq(
  $$SELECT c.relname::text, a.attidentity::text,
           pg_get_serial_sequence('timepool.' || c.relname, 'id')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind = 'r' AND a.attname = 'id'$$,
  $$VALUES ('resources', 'a', 'timepool.resources_id_seq'),
           ('services', 'a', 'timepool.services_id_seq'),
           ('clinic_time_slots', 'a', 'timepool.clinic_time_slots_id_seq'),
           ('schedule_overrides', 'a', 'timepool.schedule_overrides_id_seq'),
           ('reservations', 'a', 'timepool.reservations_id_seq'),
           ('service_categories', 'a', 'timepool.service_categories_id_seq'),
           ('audit_log', 'a', 'timepool.audit_log_id_seq'),
           ('locations', 'a', 'timepool.locations_id_seq'),
           ('settings', '', NULL)$$,
  'every table''s id is GENERATED ALWAYS AS IDENTITY with its own sequence, but settings'' (a plain smallint)');

-- timepool.resources: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'resources', ARRAY['id', 'code', 'name', 'is_active', 'created_at', 'updated_at', 'max_concurrent', 'location_id'], 'resources has exactly the columns of the install script and the 1.3 and 1.7 upgrades');
SELECT col_is_pk('timepool', 'resources', 'id', 'resources.id is the primary key');
SELECT col_type_is('timepool', 'resources', 'id', 'bigint', 'resources.id is bigint');
SELECT col_not_null('timepool', 'resources', 'id', 'resources.id is NOT NULL');
SELECT col_type_is('timepool', 'resources', 'code', 'text', 'resources.code is text');
SELECT col_not_null('timepool', 'resources', 'code', 'resources.code is NOT NULL');
SELECT col_hasnt_default('timepool', 'resources', 'code', 'resources.code has no default');
SELECT col_type_is('timepool', 'resources', 'name', 'text', 'resources.name is text');
SELECT col_not_null('timepool', 'resources', 'name', 'resources.name is NOT NULL');
SELECT col_hasnt_default('timepool', 'resources', 'name', 'resources.name has no default');
SELECT col_type_is('timepool', 'resources', 'is_active', 'boolean', 'resources.is_active is boolean');
SELECT col_not_null('timepool', 'resources', 'is_active', 'resources.is_active is NOT NULL');
SELECT col_default_is('timepool', 'resources', 'is_active', true, 'resources.is_active defaults to true');
SELECT col_type_is('timepool', 'resources', 'created_at', 'timestamp with time zone', 'resources.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'resources', 'created_at', 'resources.created_at is NOT NULL');
SELECT col_default_is('timepool', 'resources', 'created_at', 'now()'::text, 'resources.created_at defaults to now()');
SELECT col_type_is('timepool', 'resources', 'updated_at', 'timestamp with time zone', 'resources.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'resources', 'updated_at', 'resources.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'resources', 'updated_at', 'now()'::text, 'resources.updated_at defaults to now()');
-- 1.3: max_concurrent, the clock limit; NULL = none, new resources get 1
SELECT col_type_is('timepool', 'resources', 'max_concurrent', 'integer', 'resources.max_concurrent is integer');
SELECT col_is_null('timepool', 'resources', 'max_concurrent', 'resources.max_concurrent is nullable (NULL = no clock limit)');
SELECT col_has_default('timepool', 'resources', 'max_concurrent', 'resources.max_concurrent has a default');
SELECT col_default_is('timepool', 'resources', 'max_concurrent', 1, 'resources.max_concurrent defaults to 1 (one booking at a time)');
SELECT is(col_description('timepool.resources'::regclass,
                          (SELECT attnum FROM pg_attribute WHERE attrelid = 'timepool.resources'::regclass
                                                            AND attname = 'max_concurrent')::int),
          'at most this many holding reservations of the resource overlap at any instant, buffer included; NULL = no clock limit, only the pools'' minutes',
          'resources.max_concurrent has the comment of the 1.3 script');

-- timepool.services: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'services', ARRAY['id', 'code', 'name', 'description', 'category', 'duration_minutes', 'buffer_minutes', 'price', 'is_active', 'is_visible', 'display_order', 'created_at', 'updated_at', 'deleted_at', 'min_notice_minutes', 'max_advance_days', 'daily_cap_minutes', 'cancel_notice_minutes'], 'services has exactly the columns of the install script, the 1.1 upgrade and the 1.4 upgrade');
SELECT col_is_pk('timepool', 'services', 'id', 'services.id is the primary key');
SELECT col_type_is('timepool', 'services', 'id', 'bigint', 'services.id is bigint');
SELECT col_not_null('timepool', 'services', 'id', 'services.id is NOT NULL');
SELECT col_type_is('timepool', 'services', 'code', 'text', 'services.code is text');
SELECT col_not_null('timepool', 'services', 'code', 'services.code is NOT NULL');
SELECT col_hasnt_default('timepool', 'services', 'code', 'services.code has no default');
SELECT col_type_is('timepool', 'services', 'name', 'text', 'services.name is text');
SELECT col_not_null('timepool', 'services', 'name', 'services.name is NOT NULL');
SELECT col_hasnt_default('timepool', 'services', 'name', 'services.name has no default');
SELECT col_type_is('timepool', 'services', 'description', 'text', 'services.description is text');
SELECT col_is_null('timepool', 'services', 'description', 'services.description is nullable');
SELECT col_hasnt_default('timepool', 'services', 'description', 'services.description has no default');
SELECT col_type_is('timepool', 'services', 'category', 'text', 'services.category is text');
SELECT col_is_null('timepool', 'services', 'category', 'services.category is nullable');
SELECT col_hasnt_default('timepool', 'services', 'category', 'services.category has no default');
SELECT col_type_is('timepool', 'services', 'duration_minutes', 'integer', 'services.duration_minutes is integer');
SELECT col_not_null('timepool', 'services', 'duration_minutes', 'services.duration_minutes is NOT NULL');
SELECT col_hasnt_default('timepool', 'services', 'duration_minutes', 'services.duration_minutes has no default');
SELECT col_type_is('timepool', 'services', 'buffer_minutes', 'integer', 'services.buffer_minutes is integer');
SELECT col_not_null('timepool', 'services', 'buffer_minutes', 'services.buffer_minutes is NOT NULL');
SELECT col_default_is('timepool', 'services', 'buffer_minutes', 0, 'services.buffer_minutes defaults to 0');
SELECT col_type_is('timepool', 'services', 'price', 'numeric(12,2)', 'services.price is numeric(12,2)');
SELECT col_is_null('timepool', 'services', 'price', 'services.price is nullable');
SELECT col_hasnt_default('timepool', 'services', 'price', 'services.price has no default');
SELECT col_type_is('timepool', 'services', 'is_active', 'boolean', 'services.is_active is boolean');
SELECT col_not_null('timepool', 'services', 'is_active', 'services.is_active is NOT NULL');
SELECT col_default_is('timepool', 'services', 'is_active', true, 'services.is_active defaults to true');
SELECT col_type_is('timepool', 'services', 'is_visible', 'boolean', 'services.is_visible is boolean');
SELECT col_not_null('timepool', 'services', 'is_visible', 'services.is_visible is NOT NULL');
SELECT col_default_is('timepool', 'services', 'is_visible', true, 'services.is_visible defaults to true');
SELECT col_type_is('timepool', 'services', 'display_order', 'integer', 'services.display_order is integer');
SELECT col_not_null('timepool', 'services', 'display_order', 'services.display_order is NOT NULL');
SELECT col_default_is('timepool', 'services', 'display_order', 0, 'services.display_order defaults to 0');
SELECT col_type_is('timepool', 'services', 'created_at', 'timestamp with time zone', 'services.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'services', 'created_at', 'services.created_at is NOT NULL');
SELECT col_default_is('timepool', 'services', 'created_at', 'now()'::text, 'services.created_at defaults to now()');
SELECT col_type_is('timepool', 'services', 'updated_at', 'timestamp with time zone', 'services.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'services', 'updated_at', 'services.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'services', 'updated_at', 'now()'::text, 'services.updated_at defaults to now()');
SELECT col_type_is('timepool', 'services', 'deleted_at', 'timestamp with time zone', 'services.deleted_at is timestamp with time zone');
SELECT col_is_null('timepool', 'services', 'deleted_at', 'services.deleted_at is nullable');
SELECT col_hasnt_default('timepool', 'services', 'deleted_at', 'services.deleted_at has no default');
SELECT col_type_is('timepool', 'services', 'min_notice_minutes', 'integer', 'services.min_notice_minutes is integer');
SELECT col_is_null('timepool', 'services', 'min_notice_minutes', 'services.min_notice_minutes is nullable (NULL = the clinic''s)');
SELECT col_hasnt_default('timepool', 'services', 'min_notice_minutes', 'services.min_notice_minutes has no default');
SELECT col_type_is('timepool', 'services', 'max_advance_days', 'integer', 'services.max_advance_days is integer');
SELECT col_is_null('timepool', 'services', 'max_advance_days', 'services.max_advance_days is nullable (NULL = the clinic''s)');
SELECT col_hasnt_default('timepool', 'services', 'max_advance_days', 'services.max_advance_days has no default');
SELECT col_type_is('timepool', 'services', 'daily_cap_minutes', 'integer', 'services.daily_cap_minutes is integer');
SELECT col_is_null('timepool', 'services', 'daily_cap_minutes', 'services.daily_cap_minutes is nullable (NULL = no cap)');
SELECT col_hasnt_default('timepool', 'services', 'daily_cap_minutes', 'services.daily_cap_minutes has no default');
SELECT col_type_is('timepool', 'services', 'cancel_notice_minutes', 'integer', 'services.cancel_notice_minutes is integer (1.4)');
SELECT col_is_null('timepool', 'services', 'cancel_notice_minutes', 'services.cancel_notice_minutes is nullable (NULL = the clinic''s)');
SELECT col_hasnt_default('timepool', 'services', 'cancel_notice_minutes', 'services.cancel_notice_minutes has no default');

-- timepool.clinic_time_slots: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'clinic_time_slots', ARRAY['id', 'resource_id', 'day_of_week', 'period', 'start_time', 'end_time', 'capacity_minutes', 'is_active', 'effective_from', 'effective_until', 'created_at', 'updated_at'], 'clinic_time_slots has exactly the columns of the install script');
SELECT col_is_pk('timepool', 'clinic_time_slots', 'id', 'clinic_time_slots.id is the primary key');
SELECT col_type_is('timepool', 'clinic_time_slots', 'id', 'bigint', 'clinic_time_slots.id is bigint');
SELECT col_not_null('timepool', 'clinic_time_slots', 'id', 'clinic_time_slots.id is NOT NULL');
SELECT col_type_is('timepool', 'clinic_time_slots', 'resource_id', 'bigint', 'clinic_time_slots.resource_id is bigint');
SELECT col_not_null('timepool', 'clinic_time_slots', 'resource_id', 'clinic_time_slots.resource_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'resource_id', 'clinic_time_slots.resource_id has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'day_of_week', 'smallint', 'clinic_time_slots.day_of_week is smallint');
SELECT col_not_null('timepool', 'clinic_time_slots', 'day_of_week', 'clinic_time_slots.day_of_week is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'day_of_week', 'clinic_time_slots.day_of_week has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'period', 'text', 'clinic_time_slots.period is text');
SELECT col_not_null('timepool', 'clinic_time_slots', 'period', 'clinic_time_slots.period is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'period', 'clinic_time_slots.period has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'start_time', 'time without time zone', 'clinic_time_slots.start_time is time without time zone');
SELECT col_not_null('timepool', 'clinic_time_slots', 'start_time', 'clinic_time_slots.start_time is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'start_time', 'clinic_time_slots.start_time has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'end_time', 'time without time zone', 'clinic_time_slots.end_time is time without time zone');
SELECT col_not_null('timepool', 'clinic_time_slots', 'end_time', 'clinic_time_slots.end_time is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'end_time', 'clinic_time_slots.end_time has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'capacity_minutes', 'integer', 'clinic_time_slots.capacity_minutes is integer');
SELECT col_not_null('timepool', 'clinic_time_slots', 'capacity_minutes', 'clinic_time_slots.capacity_minutes is NOT NULL');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'capacity_minutes', 'clinic_time_slots.capacity_minutes has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'is_active', 'boolean', 'clinic_time_slots.is_active is boolean');
SELECT col_not_null('timepool', 'clinic_time_slots', 'is_active', 'clinic_time_slots.is_active is NOT NULL');
SELECT col_default_is('timepool', 'clinic_time_slots', 'is_active', true, 'clinic_time_slots.is_active defaults to true');
SELECT col_type_is('timepool', 'clinic_time_slots', 'effective_from', 'date', 'clinic_time_slots.effective_from is date');
SELECT col_is_null('timepool', 'clinic_time_slots', 'effective_from', 'clinic_time_slots.effective_from is nullable');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'effective_from', 'clinic_time_slots.effective_from has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'effective_until', 'date', 'clinic_time_slots.effective_until is date');
SELECT col_is_null('timepool', 'clinic_time_slots', 'effective_until', 'clinic_time_slots.effective_until is nullable');
SELECT col_hasnt_default('timepool', 'clinic_time_slots', 'effective_until', 'clinic_time_slots.effective_until has no default');
SELECT col_type_is('timepool', 'clinic_time_slots', 'created_at', 'timestamp with time zone', 'clinic_time_slots.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'clinic_time_slots', 'created_at', 'clinic_time_slots.created_at is NOT NULL');
SELECT col_default_is('timepool', 'clinic_time_slots', 'created_at', 'now()'::text, 'clinic_time_slots.created_at defaults to now()');
SELECT col_type_is('timepool', 'clinic_time_slots', 'updated_at', 'timestamp with time zone', 'clinic_time_slots.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'clinic_time_slots', 'updated_at', 'clinic_time_slots.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'clinic_time_slots', 'updated_at', 'now()'::text, 'clinic_time_slots.updated_at defaults to now()');

-- timepool.schedule_overrides: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'schedule_overrides', ARRAY['id', 'resource_id', 'date', 'period', 'is_closed', 'start_time', 'end_time', 'capacity_minutes', 'reason', 'created_at', 'updated_at', 'end_date'], 'schedule_overrides has exactly the columns of the install script');
SELECT col_type_is('timepool', 'schedule_overrides', 'end_date', 'date', 'schedule_overrides.end_date is date');
SELECT col_is_null('timepool', 'schedule_overrides', 'end_date', 'schedule_overrides.end_date is nullable (NULL: the date alone)');
SELECT col_is_pk('timepool', 'schedule_overrides', 'id', 'schedule_overrides.id is the primary key');
SELECT col_type_is('timepool', 'schedule_overrides', 'id', 'bigint', 'schedule_overrides.id is bigint');
SELECT col_not_null('timepool', 'schedule_overrides', 'id', 'schedule_overrides.id is NOT NULL');
SELECT col_type_is('timepool', 'schedule_overrides', 'resource_id', 'bigint', 'schedule_overrides.resource_id is bigint');
SELECT col_is_null('timepool', 'schedule_overrides', 'resource_id', 'schedule_overrides.resource_id is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'resource_id', 'schedule_overrides.resource_id has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'date', 'date', 'schedule_overrides.date is date');
SELECT col_not_null('timepool', 'schedule_overrides', 'date', 'schedule_overrides.date is NOT NULL');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'date', 'schedule_overrides.date has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'period', 'text', 'schedule_overrides.period is text');
SELECT col_is_null('timepool', 'schedule_overrides', 'period', 'schedule_overrides.period is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'period', 'schedule_overrides.period has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'is_closed', 'boolean', 'schedule_overrides.is_closed is boolean');
SELECT col_not_null('timepool', 'schedule_overrides', 'is_closed', 'schedule_overrides.is_closed is NOT NULL');
SELECT col_default_is('timepool', 'schedule_overrides', 'is_closed', false, 'schedule_overrides.is_closed defaults to false');
SELECT col_type_is('timepool', 'schedule_overrides', 'start_time', 'time without time zone', 'schedule_overrides.start_time is time without time zone');
SELECT col_is_null('timepool', 'schedule_overrides', 'start_time', 'schedule_overrides.start_time is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'start_time', 'schedule_overrides.start_time has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'end_time', 'time without time zone', 'schedule_overrides.end_time is time without time zone');
SELECT col_is_null('timepool', 'schedule_overrides', 'end_time', 'schedule_overrides.end_time is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'end_time', 'schedule_overrides.end_time has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'capacity_minutes', 'integer', 'schedule_overrides.capacity_minutes is integer');
SELECT col_is_null('timepool', 'schedule_overrides', 'capacity_minutes', 'schedule_overrides.capacity_minutes is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'capacity_minutes', 'schedule_overrides.capacity_minutes has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'reason', 'text', 'schedule_overrides.reason is text');
SELECT col_is_null('timepool', 'schedule_overrides', 'reason', 'schedule_overrides.reason is nullable');
SELECT col_hasnt_default('timepool', 'schedule_overrides', 'reason', 'schedule_overrides.reason has no default');
SELECT col_type_is('timepool', 'schedule_overrides', 'created_at', 'timestamp with time zone', 'schedule_overrides.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'schedule_overrides', 'created_at', 'schedule_overrides.created_at is NOT NULL');
SELECT col_default_is('timepool', 'schedule_overrides', 'created_at', 'now()'::text, 'schedule_overrides.created_at defaults to now()');
SELECT col_type_is('timepool', 'schedule_overrides', 'updated_at', 'timestamp with time zone', 'schedule_overrides.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'schedule_overrides', 'updated_at', 'schedule_overrides.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'schedule_overrides', 'updated_at', 'now()'::text, 'schedule_overrides.updated_at defaults to now()');

-- timepool.reservations: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'reservations', ARRAY['id', 'resource_id', 'service_id', 'service_code', 'service_name', 'duration_minutes', 'buffer_minutes', 'required_minutes', 'price', 'reservation_date', 'start_time', 'end_time', 'period', 'status', 'patient_name', 'patient_phone', 'patient_email', 'notes', 'details', 'idempotency_key', 'created_at', 'updated_at', 'status_changed_at', 'cancel_reason', 'hold_expires_at', 'access_token', 'hold_token'], 'reservations has exactly the columns of the install script and the 1.4 upgrade');
SELECT col_is_pk('timepool', 'reservations', 'id', 'reservations.id is the primary key');
SELECT col_type_is('timepool', 'reservations', 'id', 'bigint', 'reservations.id is bigint');
SELECT col_not_null('timepool', 'reservations', 'id', 'reservations.id is NOT NULL');
SELECT col_type_is('timepool', 'reservations', 'resource_id', 'bigint', 'reservations.resource_id is bigint');
SELECT col_not_null('timepool', 'reservations', 'resource_id', 'reservations.resource_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'resource_id', 'reservations.resource_id has no default');
SELECT col_type_is('timepool', 'reservations', 'service_id', 'bigint', 'reservations.service_id is bigint');
SELECT col_not_null('timepool', 'reservations', 'service_id', 'reservations.service_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'service_id', 'reservations.service_id has no default');
SELECT col_type_is('timepool', 'reservations', 'service_code', 'text', 'reservations.service_code is text');
SELECT col_not_null('timepool', 'reservations', 'service_code', 'reservations.service_code is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'service_code', 'reservations.service_code has no default');
SELECT col_type_is('timepool', 'reservations', 'service_name', 'text', 'reservations.service_name is text');
SELECT col_not_null('timepool', 'reservations', 'service_name', 'reservations.service_name is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'service_name', 'reservations.service_name has no default');
SELECT col_type_is('timepool', 'reservations', 'duration_minutes', 'integer', 'reservations.duration_minutes is integer');
SELECT col_not_null('timepool', 'reservations', 'duration_minutes', 'reservations.duration_minutes is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'duration_minutes', 'reservations.duration_minutes has no default');
SELECT col_type_is('timepool', 'reservations', 'buffer_minutes', 'integer', 'reservations.buffer_minutes is integer');
SELECT col_not_null('timepool', 'reservations', 'buffer_minutes', 'reservations.buffer_minutes is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'buffer_minutes', 'reservations.buffer_minutes has no default');
SELECT col_type_is('timepool', 'reservations', 'required_minutes', 'integer', 'reservations.required_minutes is integer');
SELECT col_not_null('timepool', 'reservations', 'required_minutes', 'reservations.required_minutes is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'required_minutes', 'reservations.required_minutes has no default');
SELECT col_type_is('timepool', 'reservations', 'price', 'numeric(12,2)', 'reservations.price is numeric(12,2)');
SELECT col_is_null('timepool', 'reservations', 'price', 'reservations.price is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'price', 'reservations.price has no default');
SELECT col_type_is('timepool', 'reservations', 'reservation_date', 'date', 'reservations.reservation_date is date');
SELECT col_not_null('timepool', 'reservations', 'reservation_date', 'reservations.reservation_date is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'reservation_date', 'reservations.reservation_date has no default');
SELECT col_type_is('timepool', 'reservations', 'start_time', 'time without time zone', 'reservations.start_time is time without time zone');
SELECT col_not_null('timepool', 'reservations', 'start_time', 'reservations.start_time is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'start_time', 'reservations.start_time has no default');
SELECT col_type_is('timepool', 'reservations', 'end_time', 'time without time zone', 'reservations.end_time is time without time zone');
SELECT col_not_null('timepool', 'reservations', 'end_time', 'reservations.end_time is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'end_time', 'reservations.end_time has no default');
SELECT col_type_is('timepool', 'reservations', 'period', 'text', 'reservations.period is text');
SELECT col_not_null('timepool', 'reservations', 'period', 'reservations.period is NOT NULL');
SELECT col_hasnt_default('timepool', 'reservations', 'period', 'reservations.period has no default');
SELECT col_type_is('timepool', 'reservations', 'status', 'text', 'reservations.status is text');
SELECT col_not_null('timepool', 'reservations', 'status', 'reservations.status is NOT NULL');
SELECT col_default_is('timepool', 'reservations', 'status', 'PENDING'::text, 'reservations.status defaults to ''PENDING''');
SELECT col_type_is('timepool', 'reservations', 'patient_name', 'text', 'reservations.patient_name is text');
SELECT col_is_null('timepool', 'reservations', 'patient_name', 'reservations.patient_name is nullable (1.4: a hold has no patient yet; reservations_patient_named)');
SELECT col_hasnt_default('timepool', 'reservations', 'patient_name', 'reservations.patient_name has no default');
SELECT col_type_is('timepool', 'reservations', 'patient_phone', 'text', 'reservations.patient_phone is text');
SELECT col_is_null('timepool', 'reservations', 'patient_phone', 'reservations.patient_phone is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'patient_phone', 'reservations.patient_phone has no default');
SELECT col_type_is('timepool', 'reservations', 'patient_email', 'text', 'reservations.patient_email is text');
SELECT col_is_null('timepool', 'reservations', 'patient_email', 'reservations.patient_email is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'patient_email', 'reservations.patient_email has no default');
SELECT col_type_is('timepool', 'reservations', 'notes', 'text', 'reservations.notes is text');
SELECT col_is_null('timepool', 'reservations', 'notes', 'reservations.notes is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'notes', 'reservations.notes has no default');
SELECT col_type_is('timepool', 'reservations', 'details', 'jsonb', 'reservations.details is jsonb');
SELECT col_is_null('timepool', 'reservations', 'details', 'reservations.details is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'details', 'reservations.details has no default');
SELECT col_type_is('timepool', 'reservations', 'idempotency_key', 'text', 'reservations.idempotency_key is text');
SELECT col_is_null('timepool', 'reservations', 'idempotency_key', 'reservations.idempotency_key is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'idempotency_key', 'reservations.idempotency_key has no default');
SELECT col_type_is('timepool', 'reservations', 'created_at', 'timestamp with time zone', 'reservations.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'reservations', 'created_at', 'reservations.created_at is NOT NULL');
SELECT col_default_is('timepool', 'reservations', 'created_at', 'now()'::text, 'reservations.created_at defaults to now()');
SELECT col_type_is('timepool', 'reservations', 'updated_at', 'timestamp with time zone', 'reservations.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'reservations', 'updated_at', 'reservations.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'reservations', 'updated_at', 'now()'::text, 'reservations.updated_at defaults to now()');
SELECT col_type_is('timepool', 'reservations', 'status_changed_at', 'timestamp with time zone', 'reservations.status_changed_at is timestamp with time zone');
SELECT col_not_null('timepool', 'reservations', 'status_changed_at', 'reservations.status_changed_at is NOT NULL');
SELECT col_default_is('timepool', 'reservations', 'status_changed_at', 'now()'::text, 'reservations.status_changed_at defaults to now()');
SELECT col_type_is('timepool', 'reservations', 'cancel_reason', 'text', 'reservations.cancel_reason is text');
SELECT col_is_null('timepool', 'reservations', 'cancel_reason', 'reservations.cancel_reason is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'cancel_reason', 'reservations.cancel_reason has no default');
SELECT col_type_is('timepool', 'reservations', 'hold_expires_at', 'timestamp with time zone', 'reservations.hold_expires_at is timestamp with time zone (1.4)');
SELECT col_is_null('timepool', 'reservations', 'hold_expires_at', 'reservations.hold_expires_at is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'hold_expires_at', 'reservations.hold_expires_at has no default');
SELECT col_type_is('timepool', 'reservations', 'access_token', 'uuid', 'reservations.access_token is uuid (1.4)');
SELECT col_not_null('timepool', 'reservations', 'access_token', 'reservations.access_token is NOT NULL');
SELECT col_default_is('timepool', 'reservations', 'access_token', 'gen_random_uuid()'::text, 'reservations.access_token defaults to gen_random_uuid()');
SELECT col_type_is('timepool', 'reservations', 'hold_token', 'uuid', 'reservations.hold_token is uuid (1.4)');
SELECT col_is_null('timepool', 'reservations', 'hold_token', 'reservations.hold_token is nullable');
SELECT col_hasnt_default('timepool', 'reservations', 'hold_token', 'reservations.hold_token has no default');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'timepool.reservations'::regclass AND attnum > 0 AND NOT attisdropped
              AND attnum > (SELECT attnum FROM pg_attribute WHERE attrelid = 'timepool.reservations'::regclass AND attname = 'cancel_reason')),
          ARRAY['hold_expires_at', 'access_token', 'hold_token'], 'reservations: hold_expires_at, access_token and hold_token come last, after cancel_reason');

-- timepool.service_categories: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'service_categories', ARRAY['id', 'code', 'name', 'display_order', 'created_at', 'updated_at'], 'service_categories has exactly the columns of the 1.1 upgrade');
SELECT col_is_pk('timepool', 'service_categories', 'id', 'service_categories.id is the primary key');
SELECT col_type_is('timepool', 'service_categories', 'id', 'bigint', 'service_categories.id is bigint');
SELECT col_not_null('timepool', 'service_categories', 'id', 'service_categories.id is NOT NULL');
SELECT col_type_is('timepool', 'service_categories', 'code', 'text', 'service_categories.code is text');
SELECT col_not_null('timepool', 'service_categories', 'code', 'service_categories.code is NOT NULL');
SELECT col_hasnt_default('timepool', 'service_categories', 'code', 'service_categories.code has no default');
SELECT col_type_is('timepool', 'service_categories', 'name', 'text', 'service_categories.name is text');
SELECT col_not_null('timepool', 'service_categories', 'name', 'service_categories.name is NOT NULL');
SELECT col_hasnt_default('timepool', 'service_categories', 'name', 'service_categories.name has no default');
SELECT col_type_is('timepool', 'service_categories', 'display_order', 'integer', 'service_categories.display_order is integer');
SELECT col_not_null('timepool', 'service_categories', 'display_order', 'service_categories.display_order is NOT NULL');
SELECT col_default_is('timepool', 'service_categories', 'display_order', 0, 'service_categories.display_order defaults to 0');
SELECT col_type_is('timepool', 'service_categories', 'created_at', 'timestamp with time zone', 'service_categories.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'service_categories', 'created_at', 'service_categories.created_at is NOT NULL');
SELECT col_default_is('timepool', 'service_categories', 'created_at', 'now()'::text, 'service_categories.created_at defaults to now()');
SELECT col_type_is('timepool', 'service_categories', 'updated_at', 'timestamp with time zone', 'service_categories.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'service_categories', 'updated_at', 'service_categories.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'service_categories', 'updated_at', 'now()'::text, 'service_categories.updated_at defaults to now()');

-- timepool.settings: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'settings', ARRAY['id', 'time_zone', 'min_notice_minutes', 'max_advance_days', 'updated_at', 'cancel_notice_minutes', 'online_status', 'nearly_full_percent'], 'settings has exactly the columns of the 1.1 upgrade, the 1.4 upgrade and the 1.5 upgrade');
-- 1.2 dropped settings_pkey: a data-only restore with triggers disabled may
-- put a second row next to the one CREATE EXTENSION made, and
-- keep_triggers() removes the older; settings_single_row (id = 1) stays
SELECT hasnt_pk('timepool', 'settings', 'settings has no primary key (1.2 dropped settings_pkey)');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'timepool.settings'::regclass AND conname = 'settings_single_row' AND contype = 'c'),
          'CHECK ((id = 1))', 'settings keeps its CHECK settings_single_row (id = 1)');
SELECT col_type_is('timepool', 'settings', 'id', 'smallint', 'settings.id is smallint');
SELECT col_not_null('timepool', 'settings', 'id', 'settings.id is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'id', 1, 'settings.id defaults to 1');
SELECT col_type_is('timepool', 'settings', 'time_zone', 'text', 'settings.time_zone is text');
SELECT col_not_null('timepool', 'settings', 'time_zone', 'settings.time_zone is NOT NULL');
SELECT col_hasnt_default('timepool', 'settings', 'time_zone', 'settings.time_zone has no default');
SELECT col_type_is('timepool', 'settings', 'min_notice_minutes', 'integer', 'settings.min_notice_minutes is integer');
SELECT col_not_null('timepool', 'settings', 'min_notice_minutes', 'settings.min_notice_minutes is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'min_notice_minutes', 0, 'settings.min_notice_minutes defaults to 0');
SELECT col_type_is('timepool', 'settings', 'max_advance_days', 'integer', 'settings.max_advance_days is integer');
SELECT col_not_null('timepool', 'settings', 'max_advance_days', 'settings.max_advance_days is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'max_advance_days', 365, 'settings.max_advance_days defaults to 365');
SELECT col_type_is('timepool', 'settings', 'updated_at', 'timestamp with time zone', 'settings.updated_at is timestamp with time zone');
SELECT col_not_null('timepool', 'settings', 'updated_at', 'settings.updated_at is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'updated_at', 'now()'::text, 'settings.updated_at defaults to now()');
SELECT col_type_is('timepool', 'settings', 'cancel_notice_minutes', 'integer', 'settings.cancel_notice_minutes is integer (1.4)');
SELECT col_not_null('timepool', 'settings', 'cancel_notice_minutes', 'settings.cancel_notice_minutes is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'cancel_notice_minutes', 0, 'settings.cancel_notice_minutes defaults to 0');
SELECT col_type_is('timepool', 'settings', 'online_status', 'text', 'settings.online_status is text (1.4)');
SELECT col_not_null('timepool', 'settings', 'online_status', 'settings.online_status is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'online_status', 'PENDING'::text, 'settings.online_status defaults to ''PENDING''');
SELECT results_eq($$SELECT cancel_notice_minutes, online_status FROM timepool.settings$$,
                  $$VALUES (0, 'PENDING'::text)$$, 'the settings row has the new columns'' defaults');
-- 1.5: the threshold of nearly_full
SELECT col_type_is('timepool', 'settings', 'nearly_full_percent', 'integer', 'settings.nearly_full_percent is integer (1.5)');
SELECT col_not_null('timepool', 'settings', 'nearly_full_percent', 'settings.nearly_full_percent is NOT NULL');
SELECT col_default_is('timepool', 'settings', 'nearly_full_percent', 80, 'settings.nearly_full_percent defaults to 80');
SELECT is((SELECT nearly_full_percent FROM timepool.settings), 80,
          'the settings row has nearly_full_percent 80 after CREATE EXTENSION');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'timepool.settings'::regclass AND attnum > 0 AND NOT attisdropped),
          ARRAY['id', 'time_zone', 'min_notice_minutes', 'max_advance_days', 'updated_at',
                'cancel_notice_minutes', 'online_status', 'nearly_full_percent'],
          'settings: its columns in order, nearly_full_percent last');
SELECT is(col_description('timepool.settings'::regclass,
                          (SELECT attnum FROM pg_attribute WHERE attrelid = 'timepool.settings'::regclass
                                                            AND attname = 'nearly_full_percent')::int),
          'timepool.nearly_full lists the upcoming pools booked to at least this percent of their minutes',
          'settings.nearly_full_percent has the comment of the 1.5 script');
SELECT results_eq($$SELECT id::int, min_notice_minutes, max_advance_days,
                           time_zone = coalesce((SELECT name FROM pg_timezone_names
                                                  WHERE name = current_setting('TimeZone')), 'UTC')
                      FROM timepool.settings$$,
                  $$VALUES (1, 0, 365, true)$$,
                  'settings has one row after CREATE EXTENSION: id 1, the session''s time zone (UTC if not a zone name), no notice, 365 days ahead');

-- timepool.audit_log: columns, types, NOT NULL, defaults
SELECT columns_are('timepool', 'audit_log', ARRAY['id', 'changed_at', 'transaction_id', 'changed_by', 'session_role', 'table_name', 'row_id', 'action', 'old_row', 'new_row'], 'audit_log has exactly the columns of the 1.1 upgrade');
SELECT col_is_pk('timepool', 'audit_log', 'id', 'audit_log.id is the primary key');
SELECT col_type_is('timepool', 'audit_log', 'id', 'bigint', 'audit_log.id is bigint');
SELECT col_not_null('timepool', 'audit_log', 'id', 'audit_log.id is NOT NULL');
SELECT col_type_is('timepool', 'audit_log', 'changed_at', 'timestamp with time zone', 'audit_log.changed_at is timestamp with time zone');
SELECT col_not_null('timepool', 'audit_log', 'changed_at', 'audit_log.changed_at is NOT NULL');
SELECT col_default_is('timepool', 'audit_log', 'changed_at', 'now()'::text, 'audit_log.changed_at defaults to now()');
SELECT col_type_is('timepool', 'audit_log', 'transaction_id', 'xid8', 'audit_log.transaction_id is xid8');
SELECT col_not_null('timepool', 'audit_log', 'transaction_id', 'audit_log.transaction_id is NOT NULL');
SELECT col_default_is('timepool', 'audit_log', 'transaction_id', 'pg_current_xact_id()'::text, 'audit_log.transaction_id defaults to pg_current_xact_id()');
SELECT col_type_is('timepool', 'audit_log', 'changed_by', 'text', 'audit_log.changed_by is text');
SELECT col_not_null('timepool', 'audit_log', 'changed_by', 'audit_log.changed_by is NOT NULL');
SELECT col_hasnt_default('timepool', 'audit_log', 'changed_by', 'audit_log.changed_by has no default');
SELECT col_type_is('timepool', 'audit_log', 'session_role', 'text', 'audit_log.session_role is text');
SELECT col_not_null('timepool', 'audit_log', 'session_role', 'audit_log.session_role is NOT NULL');
SELECT col_hasnt_default('timepool', 'audit_log', 'session_role', 'audit_log.session_role has no default');
SELECT col_type_is('timepool', 'audit_log', 'table_name', 'text', 'audit_log.table_name is text');
SELECT col_not_null('timepool', 'audit_log', 'table_name', 'audit_log.table_name is NOT NULL');
SELECT col_hasnt_default('timepool', 'audit_log', 'table_name', 'audit_log.table_name has no default');
SELECT col_type_is('timepool', 'audit_log', 'row_id', 'bigint', 'audit_log.row_id is bigint');
SELECT col_is_null('timepool', 'audit_log', 'row_id', 'audit_log.row_id is nullable (a TRUNCATE has none)');
SELECT col_hasnt_default('timepool', 'audit_log', 'row_id', 'audit_log.row_id has no default');
SELECT col_type_is('timepool', 'audit_log', 'action', 'text', 'audit_log.action is text');
SELECT col_not_null('timepool', 'audit_log', 'action', 'audit_log.action is NOT NULL');
SELECT col_hasnt_default('timepool', 'audit_log', 'action', 'audit_log.action has no default');
SELECT col_type_is('timepool', 'audit_log', 'old_row', 'jsonb', 'audit_log.old_row is jsonb');
SELECT col_is_null('timepool', 'audit_log', 'old_row', 'audit_log.old_row is nullable');
SELECT col_hasnt_default('timepool', 'audit_log', 'old_row', 'audit_log.old_row has no default');
SELECT col_type_is('timepool', 'audit_log', 'new_row', 'jsonb', 'audit_log.new_row is jsonb');
SELECT col_is_null('timepool', 'audit_log', 'new_row', 'audit_log.new_row is nullable');
SELECT col_hasnt_default('timepool', 'audit_log', 'new_row', 'audit_log.new_row has no default');
SELECT is((SELECT count(*)::int FROM timepool.audit_log), 0, 'audit_log is empty after CREATE EXTENSION');

-- timepool.resource_services (1.3): columns, types, NOT NULL, defaults, key
SELECT columns_are('timepool', 'resource_services', ARRAY['resource_id', 'service_id', 'created_at'], 'resource_services has exactly the columns of the 1.3 upgrade');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'timepool.resource_services'::regclass AND attnum > 0 AND NOT attisdropped),
          ARRAY['resource_id', 'service_id', 'created_at'], 'resource_services: its columns, in order');
SELECT col_is_pk('timepool', 'resource_services', ARRAY['resource_id', 'service_id'], 'resource_services'' primary key is (resource_id, service_id)');
SELECT col_type_is('timepool', 'resource_services', 'resource_id', 'bigint', 'resource_services.resource_id is bigint');
SELECT col_not_null('timepool', 'resource_services', 'resource_id', 'resource_services.resource_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'resource_services', 'resource_id', 'resource_services.resource_id has no default');
SELECT col_type_is('timepool', 'resource_services', 'service_id', 'bigint', 'resource_services.service_id is bigint');
SELECT col_not_null('timepool', 'resource_services', 'service_id', 'resource_services.service_id is NOT NULL');
SELECT col_hasnt_default('timepool', 'resource_services', 'service_id', 'resource_services.service_id has no default');
SELECT col_type_is('timepool', 'resource_services', 'created_at', 'timestamp with time zone', 'resource_services.created_at is timestamp with time zone');
SELECT col_not_null('timepool', 'resource_services', 'created_at', 'resource_services.created_at is NOT NULL');
SELECT col_default_is('timepool', 'resource_services', 'created_at', 'now()'::text, 'resource_services.created_at defaults to now()');
SELECT is(obj_description('timepool.resource_services'::regclass, 'pg_class'),
          'which services a resource performs: a resource with rows here performs only those services, one without rows performs every service',
          'resource_services has the comment of the 1.3 script');
SELECT is((SELECT count(*)::int FROM timepool.resource_services), 0,
          'resource_services is empty after CREATE EXTENSION (every resource performs every service)');

-- named constraints, per table (c = check, u = unique, p = primary key,
-- f = foreign key, x = exclusion)
SELECT set_eq(
  $$SELECT conrelid::regclass::text, conname::text, contype::text FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace AND conrelid <> 0$$,
  $$VALUES
    ('timepool.resources', 'resources_pkey', 'p'),
    ('timepool.resources', 'resources_code_format', 'c'),
    ('timepool.resources', 'resources_name_length', 'c'),
    ('timepool.resources', 'resources_code_key', 'u'),
    ('timepool.resources', 'resources_id_positive', 'c'),
    ('timepool.resources', 'resources_max_concurrent_range', 'c'),
    ('timepool.services', 'services_pkey', 'p'),
    ('timepool.services', 'services_code_format', 'c'),
    ('timepool.services', 'services_name_length', 'c'),
    ('timepool.services', 'services_description_length', 'c'),
    ('timepool.services', 'services_category_fkey', 'f'),
    ('timepool.services', 'services_min_notice_range', 'c'),
    ('timepool.services', 'services_max_advance_range', 'c'),
    ('timepool.services', 'services_daily_cap_range', 'c'),
    ('timepool.services', 'services_duration_range', 'c'),
    ('timepool.services', 'services_buffer_range', 'c'),
    ('timepool.services', 'services_price_nonnegative', 'c'),
    ('timepool.services', 'services_required_fits_day', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_pkey', 'p'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_resource_id_fkey', 'f'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_day_range', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_period_format', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_whole_minutes', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_window', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_capacity_range', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_effective_range', 'c'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_no_overlap', 'x'),
    ('timepool.clinic_time_slots', 'clinic_time_slots_period_once', 'x'),
    ('timepool.schedule_overrides', 'schedule_overrides_pkey', 'p'),
    ('timepool.schedule_overrides', 'schedule_overrides_resource_id_fkey', 'f'),
    ('timepool.schedule_overrides', 'schedule_overrides_date_finite', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_period_format', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_reason_length', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_whole_day_closes', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_hours', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_window', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_whole_minutes', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_capacity_range', 'c'),
    ('timepool.schedule_overrides', 'schedule_overrides_end_date_range', 'c'),
    ('timepool.reservations', 'reservations_pkey', 'p'),
    ('timepool.reservations', 'reservations_resource_id_fkey', 'f'),
    ('timepool.reservations', 'reservations_service_id_fkey', 'f'),
    ('timepool.reservations', 'reservations_duration_range', 'c'),
    ('timepool.reservations', 'reservations_buffer_range', 'c'),
    ('timepool.reservations', 'reservations_price_nonnegative', 'c'),
    ('timepool.reservations', 'reservations_date_finite', 'c'),
    ('timepool.reservations', 'reservations_period_format', 'c'),
    ('timepool.reservations', 'reservations_status_valid', 'c'),
    ('timepool.reservations', 'reservations_patient_name_length', 'c'),
    ('timepool.reservations', 'reservations_patient_phone_length', 'c'),
    ('timepool.reservations', 'reservations_patient_email_format', 'c'),
    ('timepool.reservations', 'reservations_notes_length', 'c'),
    ('timepool.reservations', 'reservations_idempotency_key_length', 'c'),
    ('timepool.reservations', 'reservations_cancel_reason_length', 'c'),
    ('timepool.reservations', 'reservations_required_sum', 'c'),
    ('timepool.reservations', 'reservations_whole_minutes', 'c'),
    ('timepool.reservations', 'reservations_window', 'c'),
    ('timepool.reservations', 'reservations_idempotency_key_key', 'u'),
    ('timepool.reservations', 'reservations_patient_named', 'c'),
    ('timepool.reservations', 'reservations_hold_expiry', 'c'),
    ('timepool.reservations', 'reservations_access_token_key', 'u'),
    ('timepool.services', 'services_cancel_notice_range', 'c'),
    ('timepool.settings', 'settings_cancel_notice_range', 'c'),
    ('timepool.settings', 'settings_online_status_valid', 'c'),
    ('timepool.settings', 'settings_nearly_full_range', 'c'),
    ('timepool.service_categories', 'service_categories_pkey', 'p'),
    ('timepool.service_categories', 'service_categories_code_format', 'c'),
    ('timepool.service_categories', 'service_categories_name_length', 'c'),
    ('timepool.service_categories', 'service_categories_code_key', 'u'),
    ('timepool.settings', 'settings_single_row', 'c'),
    ('timepool.settings', 'settings_min_notice_range', 'c'),
    ('timepool.settings', 'settings_max_advance_range', 'c'),
    ('timepool.audit_log', 'audit_log_pkey', 'p'),
    ('timepool.audit_log', 'audit_log_action_valid', 'c'),
    ('timepool.resource_services', 'resource_services_pkey', 'p'),
    ('timepool.resource_services', 'resource_services_resource_id_fkey', 'f'),
    ('timepool.resource_services', 'resource_services_service_id_fkey', 'f'),
    ('timepool.import_services', 'import_services_pkey', 'p'),
    ('timepool.import_statuses', 'import_statuses_pkey', 'p'),
    ('timepool.import_statuses', 'import_statuses_status_valid', 'c'),
    ('timepool.imported', 'imported_pkey', 'p'),
    ('timepool.imported', 'imported_reservation_id_key', 'u'),
    ('timepool.resources', 'resources_location_id_fkey', 'f'),
    ('timepool.locations', 'locations_pkey', 'p'),
    ('timepool.locations', 'locations_code_key', 'u'),
    ('timepool.locations', 'locations_code_format', 'c'),
    ('timepool.locations', 'locations_name_length', 'c'),
    ('timepool.locations', 'locations_min_notice_range', 'c'),
    ('timepool.locations', 'locations_max_advance_range', 'c'),
    ('timepool.locations', 'locations_cancel_notice_range', 'c'),
    ('timepool.locations', 'locations_online_status_check', 'c'),
    ('timepool.locations', 'locations_nearly_full_range', 'c'),
    ('timepool.locations', 'locations_id_positive', 'c'),
    ('timepool.location_staff', 'location_staff_pkey', 'p'),
    ('timepool.location_staff', 'location_staff_role_not_public', 'c'),
    ('timepool.location_staff', 'location_staff_location_id_fkey', 'f')$$,
  'the tables have exactly the named constraints of the install script and the upgrades (services_category_length and settings_pkey are gone)');
-- what the constraints 1.1 added say
SELECT set_eq(
  $$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace
       AND conname IN ('services_category_fkey', 'services_min_notice_range', 'services_max_advance_range',
                       'services_daily_cap_range', 'service_categories_code_format',
                       'service_categories_name_length', 'service_categories_code_key',
                       'settings_single_row', 'settings_min_notice_range', 'settings_max_advance_range',
                       'audit_log_action_valid')$$,
  $$VALUES
    ('services_category_fkey', 'FOREIGN KEY (category) REFERENCES timepool.service_categories(code) ON UPDATE CASCADE ON DELETE RESTRICT'),
    ('services_min_notice_range', 'CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 525600)))'),
    ('services_max_advance_range', 'CHECK (((max_advance_days >= 0) AND (max_advance_days <= 3660)))'),
    ('services_daily_cap_range', 'CHECK (((daily_cap_minutes >= 1) AND (daily_cap_minutes <= 1000000)))'),
    ('service_categories_code_format', 'CHECK ((code ~ ''^[A-Z][A-Z0-9_]{0,49}$''::text))'),
    ('service_categories_name_length', 'CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 200)))'),
    ('service_categories_code_key', 'UNIQUE (code)'),
    ('settings_single_row', 'CHECK ((id = 1))'),
    ('settings_min_notice_range', 'CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 525600)))'),
    ('settings_max_advance_range', 'CHECK (((max_advance_days >= 0) AND (max_advance_days <= 3660)))'),
    ('audit_log_action_valid', 'CHECK ((action = ANY (ARRAY[''INSERT''::text, ''UPDATE''::text, ''DELETE''::text, ''TRUNCATE''::text])))')$$,
  'the constraints 1.1 added: the category foreign key, the policy ranges, the category code and name, the audit actions');

-- 1.2: the capacity checks compute in bigint (capacity_minutes * 60
-- overflowed int4, 22003, instead of failing the constraint)
SELECT set_eq(
  $$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace
       AND conname IN ('clinic_time_slots_capacity_range', 'schedule_overrides_capacity_range')$$,
  $$SELECT c, 'CHECK (((capacity_minutes >= 1) AND ((((capacity_minutes)::bigint * 60))::double precision <= date_part(''epoch''::text, (end_time - start_time)))))'
      FROM unnest(ARRAY['clinic_time_slots_capacity_range', 'schedule_overrides_capacity_range']) c$$,
  'the capacity checks of 1.2: capacity_minutes::bigint * 60 within the window, for weekly rows and overrides');

-- what the constraints 1.3 added say
SELECT set_eq(
  $$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace
       AND conname IN ('resources_max_concurrent_range', 'resource_services_pkey',
                       'resource_services_resource_id_fkey', 'resource_services_service_id_fkey')$$,
  $$VALUES
    ('resources_max_concurrent_range', 'CHECK ((max_concurrent >= 1))'),
    ('resource_services_pkey', 'PRIMARY KEY (resource_id, service_id)'),
    ('resource_services_resource_id_fkey', 'FOREIGN KEY (resource_id) REFERENCES timepool.resources(id) ON DELETE CASCADE'),
    ('resource_services_service_id_fkey', 'FOREIGN KEY (service_id) REFERENCES timepool.services(id) ON DELETE CASCADE')$$,
  'the constraints 1.3 added: max_concurrent >= 1 (NULL passes), resource_services'' key and its two cascading foreign keys');

-- what the constraints 1.7 added say
SELECT set_eq(
  $$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace
       AND (conrelid = 'timepool.locations'::regclass OR conname = 'resources_location_id_fkey')$$,
  $$VALUES
    ('locations_pkey', 'PRIMARY KEY (id)'),
    ('locations_code_key', 'UNIQUE (code)'),
    ('locations_code_format', 'CHECK ((code ~ ''^[A-Z][A-Z0-9_]{0,49}$''::text))'),
    ('locations_name_length', 'CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 200)))'),
    ('locations_min_notice_range', 'CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 525600)))'),
    ('locations_max_advance_range', 'CHECK (((max_advance_days >= 0) AND (max_advance_days <= 3660)))'),
    ('locations_cancel_notice_range', 'CHECK (((cancel_notice_minutes >= 0) AND (cancel_notice_minutes <= 525600)))'),
    ('locations_online_status_check', 'CHECK ((online_status = ANY (ARRAY[''PENDING''::text, ''CONFIRMED''::text])))'),
    ('locations_nearly_full_range', 'CHECK (((nearly_full_percent >= 1) AND (nearly_full_percent <= 100)))'),
    ('locations_id_positive', 'CHECK ((id > 0))'),
    ('resources_location_id_fkey', 'FOREIGN KEY (location_id) REFERENCES timepool.locations(id) ON DELETE RESTRICT')$$,
  'the constraints 1.7 added: locations'' key, unique code, its code and name, the policy ranges, the online status, a positive id; resources'' location, RESTRICT');

-- foreign keys and what deleting the referenced row does
SELECT fk_ok('timepool', 'clinic_time_slots', 'resource_id', 'timepool', 'resources', 'id',
             'clinic_time_slots.resource_id references resources.id');
SELECT fk_ok('timepool', 'schedule_overrides', 'resource_id', 'timepool', 'resources', 'id',
             'schedule_overrides.resource_id references resources.id');
SELECT fk_ok('timepool', 'reservations', 'resource_id', 'timepool', 'resources', 'id',
             'reservations.resource_id references resources.id');
SELECT fk_ok('timepool', 'reservations', 'service_id', 'timepool', 'services', 'id',
             'reservations.service_id references services.id');
SELECT fk_ok('timepool', 'services', 'category', 'timepool', 'service_categories', 'code',
             'services.category references service_categories.code');
SELECT fk_ok('timepool', 'resource_services', 'resource_id', 'timepool', 'resources', 'id',
             'resource_services.resource_id references resources.id');
SELECT fk_ok('timepool', 'resource_services', 'service_id', 'timepool', 'services', 'id',
             'resource_services.service_id references services.id');
SELECT set_eq(
  $$SELECT conname::text, confdeltype::text FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace AND contype = 'f'$$,
  $$VALUES ('clinic_time_slots_resource_id_fkey', 'c'),
           ('schedule_overrides_resource_id_fkey', 'c'),
           ('reservations_resource_id_fkey', 'r'),
           ('reservations_service_id_fkey', 'r'),
           ('services_category_fkey', 'r'),
           ('resource_services_resource_id_fkey', 'c'),
           ('resource_services_service_id_fkey', 'c'),
           ('resources_location_id_fkey', 'r'),
           ('location_staff_location_id_fkey', 'r')$$,
  'schedule rows cascade with their resource; reservations RESTRICT deleting a resource or service; services RESTRICT deleting their category; resource_services rows cascade with their resource or service; resources and location_staff RESTRICT deleting their location (a mapping gone would let its role see every location)');
SELECT set_eq(
  $$SELECT conname::text, confupdtype::text FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace AND contype = 'f'$$,
  $$VALUES ('clinic_time_slots_resource_id_fkey', 'a'),
           ('schedule_overrides_resource_id_fkey', 'a'),
           ('reservations_resource_id_fkey', 'a'),
           ('reservations_service_id_fkey', 'a'),
           ('services_category_fkey', 'c'),
           ('resource_services_resource_id_fkey', 'a'),
           ('resource_services_service_id_fkey', 'a'),
           ('resources_location_id_fkey', 'a'),
           ('location_staff_location_id_fkey', 'a')$$,
  'a category''s new code cascades to its services (ON UPDATE CASCADE); the other keys are ids');
SELECT col_is_unique('timepool', 'resources', 'code'::name, 'resources.code is UNIQUE');
SELECT col_is_unique('timepool', 'reservations', 'idempotency_key'::name,
                     'reservations.idempotency_key is UNIQUE');
SELECT col_is_unique('timepool', 'service_categories', 'code'::name, 'service_categories.code is UNIQUE');

-- indexes
SELECT indexes_are('timepool', 'resources', ARRAY['resources_pkey', 'resources_code_key', 'resources_location_idx']);
SELECT indexes_are('timepool', 'services', ARRAY['services_pkey', 'services_code_key', 'services_category_idx']);
SELECT indexes_are('timepool', 'clinic_time_slots',
                   ARRAY['clinic_time_slots_pkey', 'clinic_time_slots_no_overlap',
                         'clinic_time_slots_period_once', 'clinic_time_slots_day_idx']);
SELECT indexes_are('timepool', 'schedule_overrides',
                   ARRAY['schedule_overrides_pkey', 'schedule_overrides_once',
                         'schedule_overrides_resource_idx']);
SELECT indexes_are('timepool', 'reservations',
                   ARRAY['reservations_pkey', 'reservations_idempotency_key_key',
                         'reservations_pool_idx', 'reservations_resource_idx',
                         'reservations_service_idx', 'reservations_service_day_idx',
                         'reservations_hold_idx', 'reservations_access_token_key',
                         'reservations_hold_token_idx']);
SELECT indexes_are('timepool', 'service_categories', ARRAY['service_categories_pkey', 'service_categories_code_key']);
SELECT indexes_are('timepool', 'settings', '{}'::name[], 'settings has no index (1.2 dropped settings_pkey)');
SELECT indexes_are('timepool', 'audit_log', ARRAY['audit_log_pkey', 'audit_log_row_idx']);
SELECT indexes_are('timepool', 'resource_services', ARRAY['resource_services_pkey', 'resource_services_service_idx']);
-- 1.7
SELECT indexes_are('timepool', 'locations', ARRAY['locations_pkey', 'locations_code_key']);
SELECT is(pg_get_indexdef('timepool.resources_location_idx'::regclass),
          'CREATE INDEX resources_location_idx ON timepool.resources USING btree (location_id)',
          'resources_location_idx (1.7): (location_id), for the foreign key');
SELECT has_index('timepool', 'resource_services', 'resource_services_service_idx',
                 'index resource_services_service_idx exists');
SELECT is(pg_get_indexdef('timepool.resource_services_service_idx'::regclass),
          'CREATE INDEX resource_services_service_idx ON timepool.resource_services USING btree (service_id)',
          'resource_services_service_idx: (service_id), for the foreign key (the key leads with resource_id)');
SELECT is(pg_get_indexdef('timepool.resource_services_pkey'::regclass),
          'CREATE UNIQUE INDEX resource_services_pkey ON timepool.resource_services USING btree (resource_id, service_id)',
          'resource_services_pkey: UNIQUE (resource_id, service_id)');
SELECT is(pg_get_indexdef('timepool.reservations_service_day_idx'::regclass),
          'CREATE INDEX reservations_service_day_idx ON timepool.reservations USING btree (service_id, reservation_date) INCLUDE (required_minutes, hold_expires_at) WHERE (status <> ALL (ARRAY[''CANCELLED''::text, ''REJECTED''::text, ''EXPIRED''::text]))',
          'reservations_service_day_idx (1.4): (service, date) INCLUDE required_minutes and hold_expires_at, only rows that may hold time (the daily cap''s sum)');
SELECT is(pg_get_indexdef('timepool.audit_log_row_idx'::regclass),
          'CREATE INDEX audit_log_row_idx ON timepool.audit_log USING btree (table_name, row_id)',
          'audit_log_row_idx: (table_name, row_id), a row''s history');
SELECT is(pg_get_indexdef('timepool.services_category_idx'::regclass),
          'CREATE INDEX services_category_idx ON timepool.services USING btree (category)',
          'services_category_idx: (category), for the foreign key');
SELECT has_index('timepool', 'reservations', 'reservations_pool_idx',
                 'index reservations_pool_idx exists');
SELECT is(pg_get_indexdef('timepool.reservations_pool_idx'::regclass),
          'CREATE INDEX reservations_pool_idx ON timepool.reservations USING btree (reservation_date, resource_id, period) INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status) WHERE (status <> ALL (ARRAY[''CANCELLED''::text, ''REJECTED''::text, ''EXPIRED''::text]))',
          'reservations_pool_idx (1.5): (date, resource, period) INCLUDE required_minutes, the window (start_time, end_time), hold_expires_at and status, only rows that may hold time');
SELECT is(pg_get_indexdef('timepool.reservations_hold_idx'::regclass),
          'CREATE INDEX reservations_hold_idx ON timepool.reservations USING btree (hold_expires_at) WHERE (status = ''HELD''::text)',
          'reservations_hold_idx (1.4): (hold_expires_at), HELD rows only (expire_holds)');
SELECT is(pg_get_indexdef('timepool.reservations_hold_token_idx'::regclass),
          'CREATE UNIQUE INDEX reservations_hold_token_idx ON timepool.reservations USING btree (hold_token) WHERE (hold_token IS NOT NULL)',
          'reservations_hold_token_idx (1.4): unique, confirmed holds only (confirm_hold''s retries)');
SELECT is(pg_get_indexdef('timepool.reservations_access_token_key'::regclass),
          'CREATE UNIQUE INDEX reservations_access_token_key ON timepool.reservations USING btree (access_token)',
          'reservations_access_token_key (1.4): UNIQUE (access_token)');
SELECT is((SELECT indisunique FROM pg_index WHERE indexrelid = 'timepool.reservations_pool_idx'::regclass),
          false, 'reservations_pool_idx is not unique');
SELECT has_index('timepool', 'services', 'services_code_key', 'index services_code_key exists');
SELECT index_is_unique('timepool', 'services', 'services_code_key', 'services_code_key is UNIQUE');
SELECT is((SELECT pg_get_expr(indpred, indrelid) FROM pg_index
            WHERE indexrelid = 'timepool.services_code_key'::regclass),
          '(deleted_at IS NULL)', 'services_code_key is partial: only services not deleted');
SELECT is(pg_get_indexdef('timepool.services_code_key'::regclass),
          'CREATE UNIQUE INDEX services_code_key ON timepool.services USING btree (code) WHERE (deleted_at IS NULL)',
          'services_code_key is UNIQUE (code) WHERE deleted_at IS NULL');
SELECT has_index('timepool', 'schedule_overrides', 'schedule_overrides_once',
                 'index schedule_overrides_once exists');
SELECT index_is_unique('timepool', 'schedule_overrides', 'schedule_overrides_once',
                       'schedule_overrides_once is UNIQUE');
SELECT is(pg_get_indexdef('timepool.schedule_overrides_once'::regclass),
          'CREATE UNIQUE INDEX schedule_overrides_once ON timepool.schedule_overrides USING btree (COALESCE(resource_id, (0)::bigint), date, COALESCE(period, ''''::text), COALESCE(end_date, date))',
          'schedule_overrides_once: one override per (resource or all, first date, period or whole day, last date)');
SELECT is(pg_get_indexdef('timepool.clinic_time_slots_no_overlap'::regclass),
          'CREATE INDEX clinic_time_slots_no_overlap ON timepool.clinic_time_slots USING gist (int8range(resource_id, resource_id, ''[]''::text), int4range((day_of_week)::integer, (day_of_week)::integer, ''[]''::text), timepool.time_range(start_time, end_time), daterange(effective_from, effective_until, ''[]''::text)) WHERE is_active',
          'clinic_time_slots_no_overlap: GiST over resource, day, window and effective dates, active rows only');
SELECT index_is_type('timepool', 'clinic_time_slots', 'clinic_time_slots_period_once', 'gist',
                     'clinic_time_slots_period_once is a GiST index');

-- the view
SELECT ok(strpos(pg_get_viewdef('timepool.bookable_services'::regclass),
                 'WHERE (s.is_active AND s.is_visible AND (s.deleted_at IS NULL))') > 0,
          'bookable_services keeps active, visible, not deleted services');
SELECT ok(strpos(pg_get_viewdef('timepool.bookable_services'::regclass),
                 'LEFT JOIN timepool.service_categories c ON ((c.code = s.category))') > 0,
          'bookable_services joins each service''s category, if any');
SELECT ok(strpos(pg_get_viewdef('timepool.bookable_services'::regclass),
                 'ORDER BY c.display_order, c.code, s.display_order, s.code') > 0,
          'bookable_services is ordered by category display_order (services without one last), category code, display_order, code');
SELECT ok(strpos(pg_get_viewdef('timepool.reservation_history'::regclass),
                 'FROM timepool.audit_log a
  WHERE ((a.table_name = ''reservations''::text) AND (a.row_id IS NOT NULL) AND (timepool.resource_visible(((a.new_row ->> ''resource_id''::text))::bigint) OR timepool.resource_visible(((a.old_row ->> ''resource_id''::text))::bigint)))') > 0,
          'reservation_history reads the reservations'' rows of audit_log, at a location the reader sees (1.7)');

-- 1.2: the views that hide rows are security barriers
SELECT set_eq(
  $$SELECT relname::text, array_to_string(reloptions, ',') FROM pg_class
     WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'v'$$,
  $$VALUES ('reservation_history', 'security_barrier=true'), ('bookable_services', 'security_barrier=true'),
           ('daily_overview', 'security_barrier=true'), ('service_stats', 'security_barrier=true'),
           ('resource_stats', 'security_barrier=true'), ('overbooked_pools', 'security_barrier=true'),
           ('nearly_full', 'security_barrier=true')$$,
  'every view is a security_barrier view (and has no other option): reservation_history, bookable_services and 1.5''s five report views');

-- functions: exact signatures
SELECT functions_are('timepool', ARRAY[
  'availability', 'can_book', 'book_service', 'cancel_reservation', 'set_reservation_status',
  'pool_lock_key', 'reservations_before_write', 'reservations_guard', 'touch_updated_at',
  'fill_capacity', 'invalidate_cache',
  -- 1.1
  'delete_service', 'restore_service', 'clinic_now', 'clinic_today', 'audit_change',
  'audit_log_append_only', 'keep_service_code', 'settings_keep_row', 'settings_keep_table',
  -- 1.2
  'lock_service', 'lock_pool', 'keep_triggers',
  -- 1.4
  'open_slots', 'check_booking', 'hold_slot', 'confirm_hold', 'release_hold', 'expire_holds',
  'book_online', 'get_booking', 'cancel_booking', 'reschedule_booking', 'reschedule_reservation',
  -- 1.6
  'notify_wait', 'import_run', 'import_reservations',
  -- 1.5
  'utilization', 'schedule_notify',
  -- 1.7
  'locations_check_row', 'resources_location', 'location_visible', 'resource_visible',
  -- constructors PostgreSQL makes for the two range types
  'time_range', 'time_multirange', 'label_range', 'label_multirange']);
SELECT has_function('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text']);
SELECT has_function('timepool', 'can_book', ARRAY['text', 'date', 'time without time zone', 'text', 'text']);
SELECT has_function('timepool', 'book_service',
                    ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                          'text', 'text', 'text', 'text']);
SELECT has_function('timepool', 'cancel_reservation', ARRAY['bigint', 'text']);
SELECT has_function('timepool', 'set_reservation_status', ARRAY['bigint', 'text']);
SELECT has_function('timepool', 'pool_lock_key', ARRAY['bigint', 'date', 'text']);
SELECT has_function('timepool', 'reservations_before_write', '{}'::name[]);
SELECT has_function('timepool', 'reservations_guard', '{}'::name[]);
SELECT has_function('timepool', 'touch_updated_at', '{}'::name[]);
SELECT has_function('timepool', 'fill_capacity', '{}'::name[]);
SELECT has_function('timepool', 'invalidate_cache', '{}'::name[]);
SELECT has_function('timepool', 'delete_service', ARRAY['text', 'boolean']);
SELECT has_function('timepool', 'restore_service', ARRAY['bigint']);
SELECT has_function('timepool', 'clinic_now', '{}'::name[]);
SELECT has_function('timepool', 'clinic_today', ARRAY['text']);
SELECT has_function('timepool', 'audit_change', '{}'::name[]);
SELECT has_function('timepool', 'audit_log_append_only', '{}'::name[]);
SELECT has_function('timepool', 'keep_service_code', '{}'::name[]);
SELECT has_function('timepool', 'settings_keep_row', '{}'::name[]);
SELECT has_function('timepool', 'settings_keep_table', '{}'::name[]);
SELECT has_function('timepool', 'lock_service', ARRAY['bigint']);
SELECT has_function('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text']);
SELECT has_function('timepool', 'keep_triggers', '{}'::name[]);
-- 1.7
SELECT has_function('timepool', 'locations_check_row', '{}'::name[]);
SELECT has_function('timepool', 'resources_location', '{}'::name[]);
SELECT has_function('timepool', 'location_visible', ARRAY['bigint']);
SELECT has_function('timepool', 'resource_visible', ARRAY['bigint']);
SELECT is((SELECT string_agg(proname || ' ' || provolatile::text || ' ' || proparallel::text || ' ' || prosecdef::text, ', ' ORDER BY proname)
             FROM pg_proc WHERE pronamespace = 'timepool'::regnamespace
              AND proname IN ('location_visible', 'resource_visible')),
          'location_visible s r false, resource_visible s r false',
          'location_visible and resource_visible are STABLE, PARALLEL RESTRICTED and not SECURITY DEFINER (they judge the role that reads)');
SELECT is((SELECT count(*)::int FROM pg_proc
            WHERE pronamespace = 'timepool'::regnamespace
              AND proname IN ('availability', 'can_book', 'book_service', 'cancel_reservation',
                              'set_reservation_status', 'pool_lock_key', 'delete_service',
                              'restore_service', 'clinic_now', 'clinic_today', 'lock_service',
                              'lock_pool', 'keep_triggers', 'open_slots', 'check_booking', 'hold_slot',
                              'confirm_hold', 'release_hold', 'expire_holds', 'book_online', 'get_booking',
                              'cancel_booking', 'reschedule_booking', 'reschedule_reservation',
                              'utilization', 'schedule_notify',
                              -- 1.7
                              'locations_check_row', 'resources_location')),
          28, 'no overloads: one function of each name (1.7 replaced the nine that take p_location, clinic_today too)');

-- argument names and defaults
SELECT is(pg_get_function_arguments('timepool.availability(date,text,text,text,text)'::regprocedure),
          'p_date date, p_period text DEFAULT NULL::text, p_service text DEFAULT NULL::text, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
          'availability arguments and defaults (1.7: p_location)');
SELECT is(pg_get_function_arguments('timepool.can_book(text,date,time,text,text)'::regprocedure),
          'p_service text, p_date date, p_time time without time zone DEFAULT NULL::time without time zone, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
          'can_book arguments and defaults (1.7: p_location)');
SELECT is(pg_get_function_arguments('timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure),
          'p_service text, p_date date, p_time time without time zone, p_patient_name text, p_patient_phone text DEFAULT NULL::text, p_patient_email text DEFAULT NULL::text, p_notes text DEFAULT NULL::text, p_details jsonb DEFAULT NULL::jsonb, p_resource text DEFAULT NULL::text, p_status text DEFAULT ''PENDING''::text, p_idempotency_key text DEFAULT NULL::text, p_location text DEFAULT NULL::text, OUT id bigint, OUT resource_id bigint, OUT service_id bigint, OUT service_code text, OUT service_name text, OUT duration_minutes integer, OUT buffer_minutes integer, OUT required_minutes integer, OUT price numeric, OUT reservation_date date, OUT start_time time without time zone, OUT end_time time without time zone, OUT period text, OUT status text, OUT patient_name text, OUT patient_phone text, OUT patient_email text, OUT notes text, OUT details jsonb, OUT idempotency_key text, OUT created_at timestamp with time zone, OUT updated_at timestamp with time zone, OUT status_changed_at timestamp with time zone, OUT cancel_reason text, OUT hold_expires_at timestamp with time zone, OUT access_token uuid, OUT hold_token uuid, OUT created boolean',
          'book_service arguments and defaults (1.4: and the OUT columns; 1.7: p_location)');
SELECT is(pg_get_function_arguments('timepool.clinic_today(text)'::regprocedure),
          'p_location text DEFAULT NULL::text', 'clinic_today arguments and defaults (1.7)');
SELECT is(pg_get_function_arguments('timepool.cancel_reservation(bigint,text)'::regprocedure),
          'p_id bigint, p_reason text DEFAULT NULL::text', 'cancel_reservation arguments and defaults');
SELECT is(pg_get_function_arguments('timepool.set_reservation_status(bigint,text)'::regprocedure),
          'p_id bigint, p_status text', 'set_reservation_status arguments');
SELECT is(pg_get_function_arguments('timepool.pool_lock_key(bigint,date,text)'::regprocedure),
          'p_resource_id bigint, p_date date, p_period text', 'pool_lock_key arguments');
SELECT is(pg_get_function_arguments('timepool.delete_service(text,boolean)'::regprocedure),
          'p_service text, p_force boolean DEFAULT false', 'delete_service arguments and defaults');
SELECT is(pg_get_function_arguments('timepool.restore_service(bigint)'::regprocedure),
          'p_id bigint', 'restore_service arguments');
SELECT is(pg_get_function_arguments('timepool.lock_service(bigint)'::regprocedure),
          'p_service_id bigint', 'lock_service arguments');
SELECT is(pg_get_function_arguments('timepool.lock_pool(bigint,date,text)'::regprocedure),
          'p_resource_id bigint, p_date date, p_period text', 'lock_pool arguments');

-- return types
SELECT function_returns('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text'], 'setof record');
SELECT is(pg_get_function_result('timepool.availability(date,text,text,text,text)'::regprocedure),
          'TABLE(resource text, date date, period text, start_time time without time zone, end_time time without time zone, total_minutes integer, booked_minutes integer, remaining_minutes integer, reservation_count integer, utilization numeric, is_closed boolean, service text, required_minutes integer, can_book boolean)',
          'availability returns the 14 documented columns');
SELECT function_returns('timepool', 'can_book', ARRAY['text', 'date', 'time without time zone', 'text', 'text'], 'boolean');
SELECT function_returns('timepool', 'book_service',
                        ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                              'text', 'text', 'text', 'text'], 'record');
-- 1.4: book_service returns the reservation's columns, in order, then created
SELECT is((SELECT array_agg(n ORDER BY o) FROM pg_proc p,
                  unnest(p.proargnames, p.proargmodes::text[]) WITH ORDINALITY AS a(n, m, o)
            WHERE p.oid = 'timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure
              AND m = 'o'),
          (SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'timepool.reservations'::regclass AND attnum > 0 AND NOT attisdropped) || ARRAY['created'],
          'book_service''s OUT columns are timepool.reservations'' columns in order, then created');
SELECT is((SELECT array_agg(format_type(t, NULL) ORDER BY o) FROM pg_proc p,
                  unnest(p.proallargtypes, p.proargmodes::text[]) WITH ORDINALITY AS a(t, m, o)
            WHERE p.oid = 'timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure
              AND m = 'o'),
          (SELECT array_agg(format_type(atttypid, NULL) ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'timepool.reservations'::regclass AND attnum > 0 AND NOT attisdropped) || ARRAY['boolean'],
          'and of the same types (created boolean)');
SELECT function_returns('timepool', 'cancel_reservation', ARRAY['bigint', 'text'], 'timepool.reservations');
SELECT function_returns('timepool', 'set_reservation_status', ARRAY['bigint', 'text'], 'timepool.reservations');
SELECT function_returns('timepool', 'pool_lock_key', ARRAY['bigint', 'date', 'text'], 'integer');
SELECT function_returns('timepool', 'reservations_before_write', '{}'::name[], 'trigger');
SELECT function_returns('timepool', 'reservations_guard', '{}'::name[], 'trigger');
SELECT function_returns('timepool', 'delete_service', ARRAY['text', 'boolean'], 'timepool.services');
SELECT function_returns('timepool', 'restore_service', ARRAY['bigint'], 'timepool.services');
SELECT function_returns('timepool', 'clinic_now', '{}'::name[], 'timestamp with time zone');
SELECT function_returns('timepool', 'clinic_today', ARRAY['text'], 'date');
SELECT function_returns('timepool', 'audit_change', '{}'::name[], 'trigger');
SELECT function_returns('timepool', 'audit_log_append_only', '{}'::name[], 'trigger');
SELECT function_returns('timepool', 'lock_service', ARRAY['bigint'], 'void');
SELECT function_returns('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text'], 'void');
SELECT function_returns('timepool', 'keep_triggers', '{}'::name[], 'event_trigger');
SELECT function_returns('timepool', 'locations_check_row', '{}'::name[], 'trigger');
SELECT function_returns('timepool', 'resources_location', '{}'::name[], 'trigger');

-- languages
SELECT function_lang_is('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text'], 'c');
SELECT function_lang_is('timepool', 'book_service',
                        ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                              'text', 'text', 'text', 'text'], 'c');
SELECT function_lang_is('timepool', 'reservations_guard', '{}'::name[], 'c');
SELECT function_lang_is('timepool', 'fill_capacity', '{}'::name[], 'plpgsql');
SELECT function_lang_is('timepool', 'delete_service', ARRAY['text', 'boolean'], 'plpgsql');
SELECT function_lang_is('timepool', 'restore_service', ARRAY['bigint'], 'plpgsql');
SELECT function_lang_is('timepool', 'clinic_now', '{}'::name[], 'c');
SELECT function_lang_is('timepool', 'clinic_today', ARRAY['text'], 'c');
SELECT function_lang_is('timepool', 'audit_change', '{}'::name[], 'c');
SELECT function_lang_is('timepool', 'audit_log_append_only', '{}'::name[], 'c');
SELECT function_lang_is('timepool', 'lock_service', ARRAY['bigint'], 'c');
SELECT function_lang_is('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text'], 'c');
SELECT function_lang_is('timepool', 'keep_triggers', '{}'::name[], 'plpgsql');
SELECT function_lang_is('timepool', 'locations_check_row', '{}'::name[], 'plpgsql');
SELECT function_lang_is('timepool', 'resources_location', '{}'::name[], 'plpgsql');

-- SECURITY DEFINER
SELECT is_definer('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text']);
SELECT is_definer('timepool', 'can_book', ARRAY['text', 'date', 'time without time zone', 'text', 'text']);
SELECT is_definer('timepool', 'book_service',
                  ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                        'text', 'text', 'text', 'text']);
SELECT is_definer('timepool', 'cancel_reservation', ARRAY['bigint', 'text']);
SELECT is_definer('timepool', 'set_reservation_status', ARRAY['bigint', 'text']);
SELECT is_definer('timepool', 'reservations_before_write', '{}'::name[]);
SELECT is_definer('timepool', 'reservations_guard', '{}'::name[]);
SELECT isnt_definer('timepool', 'pool_lock_key', ARRAY['bigint', 'date', 'text']);
SELECT isnt_definer('timepool', 'touch_updated_at', '{}'::name[]);
SELECT isnt_definer('timepool', 'fill_capacity', '{}'::name[]);
SELECT is_definer('timepool', 'delete_service', ARRAY['text', 'boolean']);
SELECT is_definer('timepool', 'restore_service', ARRAY['bigint']);
SELECT is_definer('timepool', 'clinic_now', '{}'::name[]);
SELECT is_definer('timepool', 'clinic_today', ARRAY['text']);
-- the audit trigger writes the log as its owner; the append-only trigger must
-- see the writer's own identity
SELECT is_definer('timepool', 'audit_change', '{}'::name[]);
SELECT isnt_definer('timepool', 'audit_log_append_only', '{}'::name[]);
SELECT isnt_definer('timepool', 'keep_service_code', '{}'::name[]);
SELECT isnt_definer('timepool', 'settings_keep_row', '{}'::name[]);
SELECT isnt_definer('timepool', 'settings_keep_table', '{}'::name[]);
-- 1.2: lock_service refuses any caller but timepool's owner, so it must not
-- run as that owner; delete_service (SECURITY DEFINER) calls it as the owner
SELECT isnt_definer('timepool', 'lock_service', ARRAY['bigint']);
SELECT isnt_definer('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text']);
SELECT isnt_definer('timepool', 'keep_triggers', '{}'::name[]);
-- 1.7: the locations' row check runs as the writer; resources_location may
-- make MAIN, which only timepool's owner may insert
SELECT isnt_definer('timepool', 'locations_check_row', '{}'::name[]);
SELECT is_definer('timepool', 'resources_location', '{}'::name[]);

-- volatility, strictness, parallel safety
SELECT volatility_is('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text'], 'stable');
SELECT volatility_is('timepool', 'can_book', ARRAY['text', 'date', 'time without time zone', 'text', 'text'], 'stable');
SELECT volatility_is('timepool', 'book_service',
                     ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                           'text', 'text', 'text', 'text'], 'volatile');
SELECT volatility_is('timepool', 'cancel_reservation', ARRAY['bigint', 'text'], 'volatile');
SELECT volatility_is('timepool', 'set_reservation_status', ARRAY['bigint', 'text'], 'volatile');
SELECT volatility_is('timepool', 'pool_lock_key', ARRAY['bigint', 'date', 'text'], 'immutable');
SELECT volatility_is('timepool', 'delete_service', ARRAY['text', 'boolean'], 'volatile');
SELECT volatility_is('timepool', 'restore_service', ARRAY['bigint'], 'volatile');
SELECT volatility_is('timepool', 'clinic_now', '{}'::name[], 'stable');
SELECT volatility_is('timepool', 'clinic_today', ARRAY['text'], 'stable');
SELECT volatility_is('timepool', 'audit_change', '{}'::name[], 'volatile');
SELECT volatility_is('timepool', 'audit_log_append_only', '{}'::name[], 'volatile');
SELECT volatility_is('timepool', 'lock_service', ARRAY['bigint'], 'volatile');
SELECT volatility_is('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text'], 'volatile');
SELECT volatility_is('timepool', 'keep_triggers', '{}'::name[], 'volatile');
SELECT volatility_is('timepool', 'locations_check_row', '{}'::name[], 'volatile');
SELECT volatility_is('timepool', 'resources_location', '{}'::name[], 'volatile');
SELECT is_strict('timepool', 'pool_lock_key', ARRAY['bigint', 'date', 'text']);
SELECT isnt_strict('timepool', 'book_service',
                   ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text', 'jsonb',
                         'text', 'text', 'text', 'text']);
SELECT isnt_strict('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text']);
-- 1.2's lock functions refuse a NULL argument (22004) rather than skip the lock
SELECT isnt_strict('timepool', 'lock_service', ARRAY['bigint']);
SELECT isnt_strict('timepool', 'lock_pool', ARRAY['bigint', 'date', 'text']);
SELECT set_eq(
  $$SELECT proname::text, proparallel::text FROM pg_proc
     WHERE pronamespace = 'timepool'::regnamespace
       AND proname IN ('availability', 'can_book', 'book_service', 'cancel_reservation',
                       'set_reservation_status', 'pool_lock_key', 'delete_service', 'restore_service',
                       'clinic_now', 'clinic_today', 'lock_service', 'lock_pool')$$,
  $$VALUES ('availability', 'u'), ('can_book', 'u'), ('book_service', 'u'),
           ('cancel_reservation', 'u'), ('set_reservation_status', 'u'), ('pool_lock_key', 's'),
           ('delete_service', 'u'), ('restore_service', 'u'), ('clinic_now', 'u'), ('clinic_today', 'u'),
           ('lock_service', 'u'), ('lock_pool', 'u')$$,
  'parallel safety: pool_lock_key SAFE; the rest UNSAFE (the schedule cache reads the latest committed state, which a parallel worker cannot; a lock is the transaction''s)');

-- search_path pinned on every function that runs SQL
SELECT set_eq(
  $$SELECT p.oid::regprocedure::text, array_to_string(p.proconfig, '|')
      FROM pg_proc p
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND (p.prosecdef OR p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype))$$,
  $$VALUES
    ('timepool.availability(date,text,text,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.can_book(text,date,time without time zone,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.book_service(text,date,time without time zone,text,text,text,text,jsonb,text,text,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.cancel_reservation(bigint,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.set_reservation_status(bigint,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.reservations_before_write()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.reservations_guard()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.touch_updated_at()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.fill_capacity()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.invalidate_cache()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.delete_service(text,boolean)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.restore_service(bigint)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.clinic_now()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.clinic_today(text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.audit_change()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.audit_log_append_only()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.keep_service_code()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.settings_keep_row()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.settings_keep_table()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.keep_triggers()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.open_slots(text,date,date,integer,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.check_booking(text,date,time without time zone,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.hold_slot(text,date,time without time zone,text,interval,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.confirm_hold(uuid,text,text,text,text,jsonb)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.release_hold(uuid)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.expire_holds()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.book_online(text,date,time without time zone,text,text,text,text,jsonb,text,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.get_booking(uuid)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.cancel_booking(uuid,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.reschedule_booking(uuid,date,time without time zone,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.reschedule_reservation(bigint,date,time without time zone,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.utilization(date,date,text,text)', 'search_path=pg_catalog, pg_temp'),
    ('timepool.schedule_notify()', 'search_path=pg_catalog, pg_temp'),
    -- 1.7
    ('timepool.locations_check_row()', 'search_path=pg_catalog, pg_temp'),
    ('timepool.resources_location()', 'search_path=pg_catalog, pg_temp')$$,
  'every SECURITY DEFINER, trigger and event trigger function pins search_path = pg_catalog, pg_temp (and nothing else)');
SELECT is((SELECT count(*)::int FROM pg_proc
            WHERE pronamespace = 'timepool'::regnamespace AND prosecdef
              AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (proconfig), false)),
          0, 'no SECURITY DEFINER function of timepool runs without a pinned search_path');

-- triggers
SELECT triggers_are('timepool', 'resources', ARRAY['resources_touch', 'resources_invalidate_cache',
                                                   'resources_audit', 'resources_audit_truncate',
                                                   -- 1.7
                                                   'resources_location']);
SELECT triggers_are('timepool', 'services', ARRAY['services_touch', 'services_invalidate_cache',
                                                  'services_keep_code', 'services_audit',
                                                  'services_audit_truncate']);
SELECT triggers_are('timepool', 'clinic_time_slots',
                    ARRAY['clinic_time_slots_capacity', 'clinic_time_slots_touch',
                          'clinic_time_slots_invalidate_cache', 'clinic_time_slots_audit',
                          'clinic_time_slots_audit_truncate', 'clinic_time_slots_notify']);
SELECT triggers_are('timepool', 'schedule_overrides',
                    ARRAY['schedule_overrides_capacity', 'schedule_overrides_touch',
                          'schedule_overrides_invalidate_cache', 'schedule_overrides_audit',
                          'schedule_overrides_audit_truncate', 'schedule_overrides_notify']);
SELECT triggers_are('timepool', 'reservations', ARRAY['reservations_before_write', 'reservations_guard',
                                                      'reservations_audit', 'reservations_audit_truncate']);
SELECT triggers_are('timepool', 'service_categories',
                    ARRAY['service_categories_touch', 'service_categories_audit',
                          'service_categories_audit_truncate']);
SELECT triggers_are('timepool', 'settings',
                    ARRAY['settings_keep_row', 'settings_keep_table', 'settings_invalidate_cache',
                          'settings_audit']);
SELECT triggers_are('timepool', 'audit_log', ARRAY['audit_log_append_only']);
SELECT triggers_are('timepool', 'resource_services',
                    ARRAY['resource_services_invalidate_cache', 'resource_services_audit',
                          'resource_services_audit_truncate']);
-- 1.7
SELECT triggers_are('timepool', 'locations', ARRAY['locations_check_row', 'locations_invalidate_cache']);
SELECT triggers_are('timepool', 'location_staff', ARRAY['location_staff_invalidate_cache']);
SELECT set_eq($$SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger
                 WHERE tgname LIKE '%invalidate_cache'$$,
              $$SELECT 'timepool.' || t, format('CREATE TRIGGER %s_invalidate_cache AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON timepool.%s FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache()', t, t)
                  FROM unnest(ARRAY['resources', 'services', 'clinic_time_slots', 'schedule_overrides', 'settings',
                                    'resource_services', 'locations', 'location_staff']) t$$,
              'every cached table (settings, resource_services and 1.7''s locations and location_staff too) tells the cache when it changes, once per statement, TRUNCATE included');
-- the audit: a row trigger on every change of a row, a statement trigger on
-- TRUNCATE (not on settings, which refuses TRUNCATE)
SELECT set_eq($$SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger
                 WHERE tgfoid = 'timepool.audit_change()'::regprocedure$$,
              $$SELECT 'timepool.' || t, format('CREATE TRIGGER %s_audit AFTER INSERT OR DELETE OR UPDATE ON timepool.%s FOR EACH ROW EXECUTE FUNCTION timepool.audit_change()', t, t)
                  FROM unnest(ARRAY['resources', 'services', 'service_categories', 'clinic_time_slots',
                                    'schedule_overrides', 'settings', 'reservations', 'resource_services']) t
                UNION ALL
                SELECT 'timepool.' || t, format('CREATE TRIGGER %s_audit_truncate AFTER TRUNCATE ON timepool.%s FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change()', t, t)
                  FROM unnest(ARRAY['resources', 'services', 'service_categories', 'clinic_time_slots',
                                    'schedule_overrides', 'reservations', 'resource_services']) t$$,
              'every audited table logs each row''s INSERT, UPDATE and DELETE after the change, and a TRUNCATE once (settings has none)');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.services'::regclass
                                                          AND tgname = 'services_keep_code')),
          'CREATE TRIGGER services_keep_code BEFORE UPDATE OF code ON timepool.services FOR EACH ROW EXECUTE FUNCTION timepool.keep_service_code()',
          'services_keep_code fires BEFORE UPDATE OF code, for each row');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.settings'::regclass
                                                          AND tgname = 'settings_keep_row')),
          'CREATE TRIGGER settings_keep_row BEFORE INSERT OR DELETE OR UPDATE ON timepool.settings FOR EACH ROW EXECUTE FUNCTION timepool.settings_keep_row()',
          'settings_keep_row fires BEFORE INSERT OR UPDATE OR DELETE, for each row');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.settings'::regclass
                                                          AND tgname = 'settings_keep_table')),
          'CREATE TRIGGER settings_keep_table BEFORE TRUNCATE ON timepool.settings FOR EACH STATEMENT EXECUTE FUNCTION timepool.settings_keep_table()',
          'settings_keep_table fires BEFORE TRUNCATE');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.audit_log'::regclass
                                                          AND tgname = 'audit_log_append_only')),
          'CREATE TRIGGER audit_log_append_only BEFORE INSERT OR DELETE OR UPDATE OR TRUNCATE ON timepool.audit_log FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_log_append_only()',
          'audit_log_append_only fires BEFORE INSERT, UPDATE, DELETE and TRUNCATE, once per statement');
-- 1.7
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.locations'::regclass
                                                          AND tgname = 'locations_check_row')),
          'CREATE TRIGGER locations_check_row BEFORE INSERT OR UPDATE ON timepool.locations FOR EACH ROW EXECUTE FUNCTION timepool.locations_check_row()',
          'locations_check_row fires BEFORE INSERT OR UPDATE, for each row (1.7)');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger WHERE tgrelid = 'timepool.resources'::regclass
                                                          AND tgname = 'resources_location')),
          'CREATE TRIGGER resources_location BEFORE INSERT ON timepool.resources FOR EACH ROW EXECUTE FUNCTION timepool.resources_location()',
          'resources_location fires BEFORE INSERT, for each row (1.7)');
SELECT is((SELECT string_agg(tgname::text || ' ' || tgenabled::text, ', ' ORDER BY tgname) FROM pg_trigger
            WHERE tgfoid IN ('timepool.locations_check_row()'::regprocedure, 'timepool.resources_location()'::regprocedure)),
          'locations_check_row O, resources_location O',
          '1.7''s two trigger functions fire for these two triggers alone, enabled as usual (O)');
SELECT has_trigger('timepool', 'reservations', 'reservations_before_write'::name,
                   'trigger reservations_before_write exists on reservations');
SELECT has_trigger('timepool', 'reservations', 'reservations_guard'::name,
                   'trigger reservations_guard exists on reservations');
SELECT trigger_is('timepool', 'reservations', 'reservations_before_write',
                  'timepool', 'reservations_before_write');
SELECT trigger_is('timepool', 'reservations', 'reservations_guard', 'timepool', 'reservations_guard');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger
                              WHERE tgrelid = 'timepool.reservations'::regclass
                                AND tgname = 'reservations_before_write')),
          'CREATE TRIGGER reservations_before_write BEFORE INSERT OR UPDATE ON timepool.reservations FOR EACH ROW EXECUTE FUNCTION timepool.reservations_before_write()',
          'reservations_before_write fires BEFORE INSERT OR UPDATE, for each row');
SELECT is(pg_get_triggerdef((SELECT oid FROM pg_trigger
                              WHERE tgrelid = 'timepool.reservations'::regclass
                                AND tgname = 'reservations_guard')),
          'CREATE TRIGGER reservations_guard AFTER INSERT OR DELETE OR UPDATE ON timepool.reservations FOR EACH ROW EXECUTE FUNCTION timepool.reservations_guard()',
          'reservations_guard fires AFTER INSERT OR UPDATE OR DELETE, for each row');
SELECT is((SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE c.relnamespace = 'timepool'::regnamespace
              AND NOT t.tgisinternal
              AND t.tgenabled <> CASE WHEN t.tgname LIKE '%invalidate_cache' OR t.tgname = 'audit_log_append_only'
                                      THEN 'A' ELSE 'O' END),
          0, 'every timepool trigger is enabled, the cache invalidation ones and audit_log_append_only ALWAYS (even for replication)');
SELECT set_eq($$SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = 'timepool'::regnamespace AND t.tgenabled = 'A'$$,
              ARRAY['resources_invalidate_cache', 'services_invalidate_cache', 'clinic_time_slots_invalidate_cache',
                    'schedule_overrides_invalidate_cache', 'settings_invalidate_cache',
                    'resource_services_invalidate_cache', 'audit_log_append_only',
                    -- 1.7
                    'locations_invalidate_cache', 'location_staff_invalidate_cache'],
              'the triggers ENABLE ALWAYS: the eight cache invalidations and audit_log_append_only');
SELECT is((SELECT tgenabled::text FROM pg_trigger
            WHERE tgrelid = 'timepool.resource_services'::regclass AND tgname = 'resource_services_invalidate_cache'),
          'A', 'resource_services_invalidate_cache is ENABLE ALWAYS (tgenabled A: replication apply changes the cache too)');
SELECT is((SELECT string_agg(tgname::text || ' ' || tgenabled::text, ', ' ORDER BY tgname) FROM pg_trigger
            WHERE tgrelid = 'timepool.resource_services'::regclass AND NOT tgisinternal),
          'resource_services_audit O, resource_services_audit_truncate O, resource_services_invalidate_cache A',
          'resource_services'' audit triggers are enabled as usual (O), its cache invalidation ALWAYS (A)');
SELECT is((SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE c.relnamespace = 'timepool'::regnamespace AND NOT t.tgisinternal),
          40, 'timepool has 40 triggers (1.3 added resource_services'' three, 1.5 the schedule''s two notify triggers, 1.7 resources_location, locations'' two and location_staff''s one)');

-- the event trigger (1.2): after every ALTER TABLE, keep_triggers() sets
-- timepool's ALWAYS triggers back to ALWAYS; it fires in every session
-- (ENABLE ALWAYS, replication apply included) and belongs to the extension
SELECT is((SELECT count(*)::int FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'),
          1, 'event trigger timepool_keep_triggers exists');
SELECT is((SELECT evtevent::text FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'),
          'ddl_command_end', 'timepool_keep_triggers fires on ddl_command_end');
SELECT is((SELECT evttags FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'),
          ARRAY['ALTER TABLE'], 'timepool_keep_triggers fires only for the tag ALTER TABLE');
SELECT is((SELECT evtfoid::regprocedure::text FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'),
          'timepool.keep_triggers()', 'timepool_keep_triggers executes timepool.keep_triggers()');
SELECT is((SELECT evtenabled::text FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'),
          'A', 'timepool_keep_triggers is ENABLE ALWAYS (evtenabled A: it fires with session_replication_role = replica too)');
SELECT is((SELECT array_agg(d.deptype::text) FROM pg_depend d JOIN pg_event_trigger e ON e.oid = d.objid
            WHERE d.classid = 'pg_event_trigger'::regclass AND e.evtname = 'timepool_keep_triggers'
              AND d.refclassid = 'pg_extension'::regclass
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timepool')),
          ARRAY['e'], 'timepool_keep_triggers is a member of extension timepool (pg_depend deptype e)');
SELECT set_eq($$SELECT e.evtname::text FROM pg_event_trigger e JOIN pg_depend d
                   ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e'
                 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timepool')$$,
              ARRAY['timepool_keep_triggers'],
              'timepool_keep_triggers is the extension''s only event trigger');

-- comments: every table, view and function of the schema has one (but the
-- range and multirange constructors, which CREATE TYPE made as internal
-- parts of their types: the range types have theirs)
SELECT is_empty(
  $$SELECT c.oid::regclass::text FROM pg_class c
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind IN ('r', 'v')
       AND obj_description(c.oid, 'pg_class') IS NULL$$,
  'every table and view of schema timepool has a COMMENT');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL
       AND NOT EXISTS (SELECT FROM pg_depend d
                        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                          AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'i')$$,
  'every function of schema timepool has a COMMENT (range constructors aside)');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'timepool'::regnamespace
              AND EXISTS (SELECT FROM pg_depend d
                           WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                             AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'i')),
          10, 'the functions set aside above are the 10 constructors of the two range types and their multiranges');
SELECT is_empty(
  $$SELECT t.oid::regtype::text FROM pg_type t
     WHERE t.typnamespace = 'timepool'::regnamespace AND t.typtype = 'r'
       AND obj_description(t.oid, 'pg_type') IS NULL$$,
  'both range types have a COMMENT');
SELECT is(obj_description('timepool.lock_service(bigint)'::regprocedure, 'pg_proc'),
          'internal: delete_service''s exclusive lock of a service against its bookings; only timepool''s owner may take it',
          'lock_service has the comment of the 1.2 script');
SELECT is(obj_description('timepool.lock_pool(bigint,date,text)'::regprocedure, 'pg_proc'),
          'takes the lock every write to a pool takes, until the end of the transaction: holds the pool still',
          'lock_pool has the comment of the 1.2 script');
SELECT is(obj_description('timepool.keep_triggers()'::regprocedure, 'pg_proc'),
          'event trigger: after ALTER TABLE of a timepool table, sets its ALWAYS triggers back to ALWAYS and keeps one settings row',
          'keep_triggers has the comment of the 1.2 script');
SELECT is(obj_description('timepool.pool_lock_key(bigint,date,text)'::regprocedure, 'pg_proc'),
          'key of the lock timepool takes for a pool, as pg_locks shows it: locktype advisory, classid 29808, objid this key (as oid), objsubid 29808',
          'pool_lock_key has the comment 1.2 gave it (the lock is in timepool''s own lock space)');
-- 1.3's comments: what book_service, can_book and set_reservation_status
-- now refuse, and what a reservation holds
SELECT is(obj_description('timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure, 'pg_proc'),
          'staff: books a service at a date and time under the pool lock, on p_resource or a resource of p_location (or of the group''s only one); refuses with TP001..TP008; returns the reservation and whether this call created it',
          'book_service has the comment of the 1.7 script');
SELECT is(obj_description('timepool.can_book(text,date,time,text,text)'::regprocedure, 'pg_proc'),
          'whether book_service would accept the service at p_time (or, without a time, in any pool that day) right now, at p_location (or the group''s only one)',
          'can_book has the comment of the 1.7 script');
SELECT is(obj_description('timepool.set_reservation_status(bigint,text)'::regprocedure, 'pg_proc'),
          'moves a reservation to another status along the allowed transitions (COMPLETED and NO_SHOW once it has started); returns the updated row',
          'set_reservation_status has the comment of the 1.3 script');
SELECT is(obj_description('timepool.reservations'::regclass, 'pg_class'),
          'bookings and holds; each one holds required_minutes of its pool (resource, date, period) unless CANCELLED, REJECTED or EXPIRED, or HELD past hold_expires_at',
          'reservations has the comment of the 1.4 script');

-- pg_dump keeps the data of every table and the state of every sequence
SELECT set_eq(
  $$SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'timepool'$$,
  ARRAY['timepool.resources', 'timepool.services', 'timepool.clinic_time_slots',
        'timepool.schedule_overrides', 'timepool.reservations',
        'timepool.resources_id_seq', 'timepool.services_id_seq',
        'timepool.clinic_time_slots_id_seq', 'timepool.schedule_overrides_id_seq',
        'timepool.reservations_id_seq',
        'timepool.service_categories', 'timepool.settings', 'timepool.audit_log',
        'timepool.service_categories_id_seq', 'timepool.audit_log_id_seq',
        'timepool.resource_services', 'timepool.imported',
        -- 1.7
        'timepool.locations', 'timepool.locations_id_seq', 'timepool.location_staff'],
  'all 12 tables of data and their 8 identity sequences are registered with pg_extension_config_dump (resource_services, imported and location_staff have no sequence; the queue and the import staging are not data)');
SELECT is((SELECT array_length(extconfig, 1) = array_length(extcondition, 1)
                  AND array_to_string(extcondition, '') = ''
             FROM pg_extension WHERE extname = 'timepool'),
          true, 'every config entry is dumped whole (empty filter condition)');

-- 1.4: the receipt type of the public functions
SELECT has_composite('timepool', 'booking_receipt', 'composite type timepool.booking_receipt exists (1.4)');
SELECT results_eq(
  $$SELECT attname::text COLLATE "default", format_type(atttypid, atttypmod) FROM pg_attribute
     WHERE attrelid = 'timepool.booking_receipt'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum$$,
  $$VALUES ('id', 'bigint'), ('access_token', 'uuid'), ('created', 'boolean'), ('status', 'text'),
           ('service', 'text'), ('service_name', 'text'), ('resource', 'text'), ('date', 'date'),
           ('period', 'text'), ('start_time', 'time without time zone'), ('end_time', 'time without time zone'),
           ('price', 'numeric(12,2)'), ('patient_name', 'text'), ('hold_expires_at', 'timestamp with time zone')$$,
  'booking_receipt has the 14 attributes of the 1.4 script, in order, with their types');
SELECT isnt(obj_description('timepool.booking_receipt'::regtype, 'pg_type'), NULL, 'booking_receipt has a COMMENT');

-- 1.4: the new functions, each with its arguments, result, language,
-- volatility and SECURITY DEFINER
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
           l.lanname::text COLLATE "default", p.provolatile::text, p.prosecdef, p.proisstrict, p.proparallel::text
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND p.proname IN ('open_slots', 'check_booking', 'hold_slot', 'confirm_hold', 'release_hold', 'expire_holds',
                         'book_online', 'get_booking', 'cancel_booking', 'reschedule_booking', 'reschedule_reservation')
     ORDER BY p.proname$$,
  $$VALUES
    ('timepool.book_online(text,date,time without time zone,text,text,text,text,jsonb,text,text,text)',
     'p_service text, p_date date, p_time time without time zone, p_patient_name text, p_patient_phone text DEFAULT NULL::text, p_patient_email text DEFAULT NULL::text, p_notes text DEFAULT NULL::text, p_details jsonb DEFAULT NULL::jsonb, p_resource text DEFAULT NULL::text, p_idempotency_key text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
     'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.cancel_booking(uuid,text)', 'p_token uuid, p_reason text DEFAULT NULL::text',
     'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.check_booking(text,date,time without time zone,text,text)',
     'p_service text, p_date date, p_time time without time zone, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text, OUT accepted boolean, OUT sqlstate text, OUT message text, OUT detail text, OUT hint text, OUT earliest_start timestamp without time zone',
     'record', 'c', 's', true, false, 'u'),
    ('timepool.confirm_hold(uuid,text,text,text,text,jsonb)',
     'p_token uuid, p_patient_name text, p_patient_phone text DEFAULT NULL::text, p_patient_email text DEFAULT NULL::text, p_notes text DEFAULT NULL::text, p_details jsonb DEFAULT NULL::jsonb',
     'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.expire_holds()', '', 'integer', 'c', 'v', true, false, 'u'),
    ('timepool.get_booking(uuid)', 'p_token uuid', 'timepool.booking_receipt', 'c', 's', true, false, 'u'),
    ('timepool.hold_slot(text,date,time without time zone,text,interval,text,text)',
     'p_service text, p_date date, p_time time without time zone, p_resource text DEFAULT NULL::text, p_ttl interval DEFAULT ''00:10:00''::interval, p_idempotency_key text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
     'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.open_slots(text,date,date,integer,text,text)',
     'p_service text, p_from date, p_to date DEFAULT NULL::date, p_step_minutes integer DEFAULT 15, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
     'TABLE(resource text, date date, period text, start_time time without time zone, end_time time without time zone, remaining_minutes integer)',
     'c', 's', true, false, 'u'),
    ('timepool.release_hold(uuid)', 'p_token uuid', 'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.reschedule_booking(uuid,date,time without time zone,text)',
     'p_token uuid, p_date date, p_time time without time zone, p_resource text DEFAULT NULL::text',
     'timepool.booking_receipt', 'c', 'v', true, false, 'u'),
    ('timepool.reschedule_reservation(bigint,date,time without time zone,text)',
     'p_id bigint, p_date date, p_time time without time zone, p_resource text DEFAULT NULL::text',
     'timepool.reservations', 'c', 'v', true, false, 'u')$$,
  '1.4''s 11 functions: arguments and defaults (1.7: p_location last for book_online, check_booking, hold_slot and open_slots), result, C, volatility, SECURITY DEFINER, not strict, parallel unsafe');
SELECT is((SELECT prorows FROM pg_proc WHERE oid = 'timepool.open_slots(text,date,date,integer,text,text)'::regprocedure),
          200::real, 'open_slots is planned as 200 rows (ROWS 200)');
SELECT is((SELECT l.lanname::text || ' ' || p.prosecdef || ' ' || p.provolatile::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.oid = 'timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure),
          'c true v', 'book_service is still C, SECURITY DEFINER, VOLATILE');

-- 1.4: what the new and changed constraints say
SELECT set_eq(
  $$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace = 'timepool'::regnamespace
       AND conname IN ('reservations_status_valid', 'reservations_patient_named', 'reservations_access_token_key',
                       'services_cancel_notice_range', 'settings_cancel_notice_range', 'settings_online_status_valid')$$,
  $$VALUES
    ('reservations_status_valid', 'CHECK ((status = ANY (ARRAY[''HELD''::text, ''PENDING''::text, ''CONFIRMED''::text, ''COMPLETED''::text, ''NO_SHOW''::text, ''CANCELLED''::text, ''REJECTED''::text, ''EXPIRED''::text])))'),
    ('reservations_patient_named', 'CHECK (((patient_name IS NOT NULL) OR (status = ANY (ARRAY[''HELD''::text, ''EXPIRED''::text]))))'),
    ('reservations_access_token_key', 'UNIQUE (access_token)'),
    ('services_cancel_notice_range', 'CHECK (((cancel_notice_minutes >= 0) AND (cancel_notice_minutes <= 525600)))'),
    ('settings_cancel_notice_range', 'CHECK (((cancel_notice_minutes >= 0) AND (cancel_notice_minutes <= 525600)))'),
    ('settings_online_status_valid', 'CHECK ((online_status = ANY (ARRAY[''PENDING''::text, ''CONFIRMED''::text])))')$$,
  '1.4''s constraints: the statuses with HELD and EXPIRED, a patient name but on a hold, one reservation per token, the notices'' range, the online status');
SELECT is((SELECT regexp_replace(pg_get_constraintdef(oid), '\s+', ' ', 'g') FROM pg_constraint
            WHERE conrelid = 'timepool.reservations'::regclass AND conname = 'reservations_hold_expiry'),
          'CHECK ( CASE status WHEN ''HELD''::text THEN (hold_expires_at IS NOT NULL) WHEN ''EXPIRED''::text THEN true ELSE (hold_expires_at IS NULL) END)',
          'reservations_hold_expiry: a HELD row has its expiry, an EXPIRED one may keep it, no other row has one');
SELECT results_eq(
  $$SELECT col_description('timepool.reservations'::regclass, 25) IS NOT NULL AND col_description('timepool.reservations'::regclass, 26) IS NOT NULL,
           (SELECT count(*)::int FROM pg_attribute a WHERE a.attrelid IN ('timepool.settings'::regclass, 'timepool.services'::regclass)
               AND a.attname IN ('cancel_notice_minutes', 'online_status')
               AND col_description(a.attrelid, a.attnum) IS NOT NULL)$$,
  $$VALUES (true, 3)$$,
  '1.4''s five new columns have a COMMENT');

-- 1.5: utilization() and the schedule's notify trigger function, each with
-- its arguments, result, language, volatility, SECURITY DEFINER and rows
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
           l.lanname::text COLLATE "default", p.provolatile::text, p.prosecdef, p.proisstrict, p.proparallel::text,
           p.prorows, array_to_string(p.proconfig, '|') COLLATE "default"
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'timepool'::regnamespace AND p.proname IN ('utilization', 'schedule_notify')
     ORDER BY p.proname$$,
  $$VALUES
    ('timepool.schedule_notify()', '', 'trigger', 'c', 'v', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp'),
    ('timepool.utilization(date,date,text,text)',
     'p_from date, p_to date, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text',
     'TABLE(resource text, date date, period text, start_time time without time zone, end_time time without time zone, closed boolean, total_minutes integer, booked_minutes integer, remaining_minutes integer, reservations integer, utilization numeric, completed_minutes integer, no_show_minutes integer, open_minutes integer, max_overlap integer, location text)',
     'c', 's', true, false, 'u', 100::real, 'search_path=pg_catalog, pg_temp')$$,
  '1.5''s two functions: utilization(p_from, p_to, p_resource DEFAULT NULL, 1.7''s p_location DEFAULT NULL) returns its 16 columns (1.7: location last), C, STABLE, ROWS 100; schedule_notify() returns trigger, C, VOLATILE; both SECURITY DEFINER, not strict, parallel unsafe, search_path pinned to pg_catalog, pg_temp');
SELECT has_function('timepool', 'utilization', ARRAY['date', 'date', 'text', 'text']);
SELECT has_function('timepool', 'schedule_notify', '{}'::name[]);
SELECT is_definer('timepool', 'utilization', ARRAY['date', 'date', 'text', 'text']);
SELECT is_definer('timepool', 'schedule_notify', '{}'::name[]);
SELECT function_returns('timepool', 'utilization', ARRAY['date', 'date', 'text', 'text'], 'setof record');
SELECT function_returns('timepool', 'schedule_notify', '{}'::name[], 'trigger');
SELECT function_lang_is('timepool', 'utilization', ARRAY['date', 'date', 'text', 'text'], 'c');
SELECT function_lang_is('timepool', 'schedule_notify', '{}'::name[], 'c');
SELECT volatility_is('timepool', 'utilization', ARRAY['date', 'date', 'text', 'text'], 'stable');
SELECT volatility_is('timepool', 'schedule_notify', '{}'::name[], 'volatile');
SELECT is((SELECT probin || ' ' || prosrc FROM pg_proc WHERE oid = 'timepool.utilization(date,date,text,text)'::regprocedure),
          '$libdir/timepool tp_utilization', 'utilization is tp_utilization in $libdir/timepool');
SELECT is((SELECT probin || ' ' || prosrc FROM pg_proc WHERE oid = 'timepool.schedule_notify()'::regprocedure),
          '$libdir/timepool tp_schedule_notify', 'schedule_notify is tp_schedule_notify in $libdir/timepool');
SELECT is(obj_description('timepool.utilization(date,date,text,text)'::regprocedure, 'pg_proc'),
          'one row per pool from p_from to p_to (at most 1098 days), of p_location''s resources or every location''s, closed pools and periods that only reservations name included: its minutes, booked by status, the most of its resource''s reservations that overlap at one instant of its own, and its location',
          'utilization has the comment of the 1.7 script');
SELECT is(obj_description('timepool.schedule_notify()'::regprocedure, 'pg_proc'),
          'trigger: notes the pools a change of the weekly schedule (the next 31 days) or of an override changes, for NOTIFY timepool_availability at commit',
          'schedule_notify has the comment of the 1.5 script');
-- 1.5: what the new constraint says
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'timepool.settings'::regclass AND conname = 'settings_nearly_full_range'),
          'CHECK (((nearly_full_percent >= 1) AND (nearly_full_percent <= 100)))',
          'settings_nearly_full_range (1.5): nearly_full_percent from 1 to 100');

-- 1.5: the schedule's notify triggers fire AFTER each row's INSERT, UPDATE
-- or DELETE, on the two schedule tables and nowhere else, enabled as usual
SELECT has_trigger('timepool', 'clinic_time_slots', 'clinic_time_slots_notify'::name,
                   'trigger clinic_time_slots_notify exists on clinic_time_slots');
SELECT has_trigger('timepool', 'schedule_overrides', 'schedule_overrides_notify'::name,
                   'trigger schedule_overrides_notify exists on schedule_overrides');
SELECT trigger_is('timepool', 'clinic_time_slots', 'clinic_time_slots_notify', 'timepool', 'schedule_notify');
SELECT trigger_is('timepool', 'schedule_overrides', 'schedule_overrides_notify', 'timepool', 'schedule_notify');
SELECT set_eq($$SELECT tgrelid::regclass::text, pg_get_triggerdef(oid), tgenabled::text FROM pg_trigger
                 WHERE tgfoid = 'timepool.schedule_notify()'::regprocedure$$,
              $$SELECT 'timepool.' || t AS rel, format('CREATE TRIGGER %s_notify AFTER INSERT OR DELETE OR UPDATE ON timepool.%s FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify()', t, t) AS def, 'O' AS enabled
                  FROM unnest(ARRAY['clinic_time_slots', 'schedule_overrides']) t$$,
              'schedule_notify() fires on clinic_time_slots and schedule_overrides only: AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW, enabled (O)');
-- tgtype: bit 0 ROW, bit 1 BEFORE (clear: AFTER), bits 2-4 INSERT, DELETE, UPDATE, bit 5 TRUNCATE
SELECT is((SELECT array_agg(tgtype::int ORDER BY tgname) FROM pg_trigger
            WHERE tgfoid = 'timepool.schedule_notify()'::regprocedure),
          ARRAY[1 | 4 | 8 | 16, 1 | 4 | 8 | 16],
          'tgtype of both: FOR EACH ROW, AFTER (not BEFORE, not INSTEAD OF), INSERT, DELETE and UPDATE, no TRUNCATE');

-- 1.5: the report views, their columns in order with their types, a
-- COMMENT on every one of them
SELECT columns_are('timepool', 'daily_overview',
                   ARRAY['date', 'resource', 'periods', 'total_minutes', 'booked_minutes', 'remaining_minutes',
                         'utilization', 'location']);
SELECT columns_are('timepool', 'service_stats',
                   ARRAY['month', 'service', 'service_name', 'category', 'category_name', 'bookings', 'kept',
                         'completed', 'no_shows', 'cancellations', 'rejections', 'minutes', 'revenue_completed',
                         'revenue_booked', 'cancellation_rate', 'no_show_rate', 'location']);
SELECT columns_are('timepool', 'resource_stats',
                   ARRAY['week_start', 'resource', 'total_minutes', 'booked_minutes', 'utilization',
                         'completed_minutes', 'no_show_minutes', 'reservations', 'busiest_period', 'location']);
SELECT columns_are('timepool', 'overbooked_pools',
                   ARRAY['resource', 'date', 'period', 'total_minutes', 'booked_minutes', 'minutes_over',
                         'max_overlap', 'clock_limit', 'overlap_over', 'reservation_ids', 'location']);
SELECT columns_are('timepool', 'nearly_full',
                   ARRAY['resource', 'date', 'period', 'start_time', 'end_time', 'total_minutes',
                         'booked_minutes', 'remaining_minutes', 'utilization', 'threshold_percent', 'location']);
SELECT results_eq(
  $$SELECT c.relname::text COLLATE "default", array_agg((a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod)) COLLATE "default" ORDER BY a.attnum)
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                     'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                     'timepool.nearly_full'::regclass)
     GROUP BY c.relname ORDER BY c.relname$$,
  $$VALUES
    ('daily_overview', ARRAY['date date', 'resource text', 'periods jsonb', 'total_minutes integer',
                             'booked_minutes integer', 'remaining_minutes integer', 'utilization numeric',
                             'location text']),
    ('nearly_full', ARRAY['resource text', 'date date', 'period text', 'start_time time without time zone',
                          'end_time time without time zone', 'total_minutes integer', 'booked_minutes integer',
                          'remaining_minutes integer', 'utilization numeric', 'threshold_percent integer',
                          'location text']),
    ('overbooked_pools', ARRAY['resource text', 'date date', 'period text', 'total_minutes integer',
                               'booked_minutes integer', 'minutes_over integer', 'max_overlap integer',
                               'clock_limit integer', 'overlap_over integer', 'reservation_ids bigint[]',
                               'location text']),
    ('resource_stats', ARRAY['week_start date', 'resource text', 'total_minutes integer', 'booked_minutes integer',
                             'utilization numeric', 'completed_minutes integer', 'no_show_minutes integer',
                             'reservations integer', 'busiest_period text', 'location text']),
    ('service_stats', ARRAY['month date', 'service text', 'service_name text', 'category text', 'category_name text',
                            'bookings integer', 'kept integer', 'completed integer', 'no_shows integer',
                            'cancellations integer', 'rejections integer', 'minutes integer',
                            'revenue_completed numeric', 'revenue_booked numeric', 'cancellation_rate numeric',
                            'no_show_rate numeric', 'location text'])$$,
  'the five report views: their columns, in order, with their types (1.7: location last)');
SELECT is_empty(
  $$SELECT c.relname::text || '.' || a.attname::text
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                     'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                     'timepool.nearly_full'::regclass)
       AND coalesce(btrim(col_description(c.oid, a.attnum)), '') = ''$$,
  'every column of the five report views has a COMMENT');
SELECT is((SELECT count(*)::int
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                            'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                            'timepool.nearly_full'::regclass)
              AND col_description(c.oid, a.attnum) IS NOT NULL),
          57, 'the comments checked: 8 + 17 + 10 + 11 + 11 = 57 columns (1.7 added location to each)');
SELECT results_eq(
  $$SELECT c.relname::text COLLATE "default", col_description(c.oid, a.attnum) COLLATE "default"
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'location'
     WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                     'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                     'timepool.nearly_full'::regclass)
     ORDER BY c.relname$$,
  $$VALUES
    ('daily_overview', 'the code of the resource''s location'),
    ('nearly_full', 'the code of the resource''s location'),
    ('overbooked_pools', 'the code of the resource''s location'),
    ('resource_stats', 'the code of the resource''s location'),
    ('service_stats', 'the code of the location of the reservations'' resources (a row per location)')$$,
  'each report view''s location column has the comment of the 1.7 script');
SELECT results_eq(
  $$SELECT (c.relname::text || '.' || a.attname::text) COLLATE "default", col_description(c.oid, a.attnum) COLLATE "default"
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE (c.oid, a.attname) IN (('timepool.daily_overview'::regclass, 'date'), ('timepool.nearly_full'::regclass, 'threshold_percent'))
     ORDER BY 1$$,
  $$VALUES
    ('daily_overview.date', 'the day, in the time zone of the resource''s location'),
    ('nearly_full.threshold_percent', 'the location''s nearly_full_percent, or settings.nearly_full_percent')$$,
  'daily_overview.date and nearly_full.threshold_percent have the comments of the 1.7 script');
SELECT results_eq(
  $$SELECT c.relname::text COLLATE "default", obj_description(c.oid, 'pg_class') COLLATE "default" FROM pg_class c
     WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                     'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                     'timepool.nearly_full'::regclass)
     ORDER BY c.relname$$,
  $$VALUES
    ('daily_overview', 'each resource''s next 14 days in its location''s time zone (today first): the periods side by side and the day''s totals'),
    ('nearly_full', 'open pools of the next 31 days of each location that have not ended yet on its clock, booked to at least its nearly_full_percent of their minutes'),
    ('overbooked_pools', 'pools holding more minutes than their capacity, or whose reservations overlap beyond the resource''s clock limit: possible only where capacity was cut after booking, a restore or an import brought history, or the schedule left reservations outside any pool'),
    ('resource_stats', 'per resource and week (Monday to Sunday), from 52 weeks before this week to 4 weeks after it: utilization, attended and missed minutes, the busiest period'),
    ('service_stats', 'per service, month of the reservation date and location: bookings (holds are not bookings), minutes, revenue from the price snapshots, cancellation and no-show rates')$$,
  'each report view has the comment of the 1.5 script, or 1.7''s (daily_overview, nearly_full, service_stats)');
-- no patient data: no report view reads a column of reservations that
-- says who the patient is or lets one act as the patient
SELECT is_empty(
  $$SELECT DISTINCT r.ev_class::regclass::text || ' reads reservations.' || a.attname::text
      FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE r.ev_class IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                          'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                          'timepool.nearly_full'::regclass)
       AND d.refobjid = 'timepool.reservations'::regclass
       AND a.attname IN ('patient_name', 'patient_phone', 'patient_email', 'notes', 'details',
                         'idempotency_key', 'access_token', 'hold_token', 'cancel_reason')$$,
  'no report view reads a patient''s name, phone, e-mail, notes, details, idempotency key, tokens or cancel reason');
-- (the check can see: service_stats reads reservations' columns directly)
SELECT set_eq(
  $$SELECT a.attname::text
      FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE r.ev_class = 'timepool.service_stats'::regclass AND d.refobjid = 'timepool.reservations'::regclass$$,
  ARRAY['service_id', 'reservation_date', 'status', 'duration_minutes', 'price',
        -- 1.7: the resource's location
        'resource_id'],
  'the dependencies the check reads are there: service_stats reads reservations'' service_id, reservation_date, status, duration_minutes, price and (1.7) resource_id, and no other column');

-- 1.7: the nine functions that take p_location (a last IN argument,
-- DEFAULT NULL) were dropped and made again: each keeps its language,
-- volatility, SECURITY DEFINER, strictness, parallel safety, rows, pinned
-- search_path and C symbol, and has the comment of the 1.7 script
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text, l.lanname::text COLLATE "default", p.provolatile::text, p.prosecdef,
           p.proisstrict, p.proparallel::text, p.prorows, array_to_string(p.proconfig, '|') COLLATE "default",
           (p.probin || ' ' || p.prosrc) COLLATE "default"
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND p.proname IN ('availability', 'can_book', 'book_service', 'book_online', 'hold_slot', 'open_slots',
                         'check_booking', 'utilization', 'clinic_today')
     ORDER BY p.proname$$,
  $$VALUES
    ('timepool.availability(date,text,text,text,text)', 'c', 's', true, false, 'u', 4::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_availability'),
    ('timepool.book_online(text,date,time without time zone,text,text,text,text,jsonb,text,text,text)', 'c', 'v', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_book_online'),
    ('timepool.book_service(text,date,time without time zone,text,text,text,text,jsonb,text,text,text,text)', 'c', 'v', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_book_service'),
    ('timepool.can_book(text,date,time without time zone,text,text)', 'c', 's', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_can_book'),
    ('timepool.check_booking(text,date,time without time zone,text,text)', 'c', 's', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_check_booking'),
    ('timepool.clinic_today(text)', 'c', 's', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_clinic_today'),
    ('timepool.hold_slot(text,date,time without time zone,text,interval,text,text)', 'c', 'v', true, false, 'u', 0::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_hold_slot'),
    ('timepool.open_slots(text,date,date,integer,text,text)', 'c', 's', true, false, 'u', 200::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_open_slots'),
    ('timepool.utilization(date,date,text,text)', 'c', 's', true, false, 'u', 100::real,
     'search_path=pg_catalog, pg_temp', '$libdir/timepool tp_utilization')$$,
  '1.7''s nine replaced functions: C, volatility, SECURITY DEFINER, not strict, parallel unsafe, ROWS, search_path pinned, their C symbols, as before');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'timepool'::regnamespace
              AND p.proname IN ('availability', 'can_book', 'book_service', 'book_online', 'hold_slot', 'open_slots',
                                'check_booking', 'utilization', 'clinic_today')
              AND p.proargnames[p.pronargs] = 'p_location'
              AND p.proargtypes[p.pronargs - 1] = 'text'::regtype
              AND p.pronargdefaults >= 1),
          9, 'each of the nine takes p_location text as its last IN argument, with a default');
SELECT results_eq(
  $$SELECT p.proname::text COLLATE "default", obj_description(p.oid, 'pg_proc') COLLATE "default" FROM pg_proc p
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND p.proname IN ('availability', 'can_book', 'book_service', 'book_online', 'hold_slot', 'open_slots',
                         'check_booking', 'utilization', 'clinic_today', 'locations_check_row', 'resources_location')
     ORDER BY p.proname$$,
  $$VALUES
    ('availability', 'one row per pool (resource, date, period) scheduled on p_date, of p_location''s resources or every location''s: capacity, booked and remaining minutes; with p_service, whether it can be booked'),
    ('book_online', 'public: books a service offered online (active and visible) with the location''s online status, at p_location (or the group''s only one); returns the receipt with its access token'),
    ('book_service', 'staff: books a service at a date and time under the pool lock, on p_resource or a resource of p_location (or of the group''s only one); refuses with TP001..TP008; returns the reservation and whether this call created it'),
    ('can_book', 'whether book_service would accept the service at p_time (or, without a time, in any pool that day) right now, at p_location (or the group''s only one)'),
    ('check_booking', 'the verdict book_service would give right now, without booking: accepted, or the refusal''s SQLSTATE, message, DETAIL and HINT; and the earliest start the notice allows, on the location''s clock'),
    ('clinic_today', 'today in the time zone of location p_location, or (NULL) of the group (timepool.settings.time_zone): the date the booking rules there take as today'),
    ('hold_slot', 'public: holds a start time for p_ttl (at most 1 hour), decided like a booking at p_location (or the group''s only one); the hold stops counting by itself when it expires'),
    ('locations_check_row', 'trigger: checks locations.time_zone and keeps updated_at'),
    ('open_slots', 'every start time, on a grid of p_step_minutes from each period''s start, at which book_service would accept the service right now, of p_location''s resources or every location''s (p_to defaults to p_from; at most 92 days)'),
    ('resources_location', 'trigger: a resource inserted without location_id goes to the group''s only location (MAIN, made for the first resource of a database without any)'),
    ('utilization', 'one row per pool from p_from to p_to (at most 1098 days), of p_location''s resources or every location''s, closed pools and periods that only reservations name included: its minutes, booked by status, the most of its resource''s reservations that overlap at one instant of its own, and its location')$$,
  'the nine replaced functions and the two new trigger functions have the comments of the 1.7 script');
-- 1.7: the two trigger functions, plpgsql, VOLATILE, not strict, parallel
-- unsafe, search_path pinned; resources_location alone SECURITY DEFINER
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
           l.lanname::text COLLATE "default", p.provolatile::text, p.prosecdef, p.proisstrict, p.proparallel::text,
           array_to_string(p.proconfig, '|') COLLATE "default"
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'timepool'::regnamespace AND p.proname IN ('locations_check_row', 'resources_location')
     ORDER BY p.proname$$,
  $$VALUES
    ('timepool.locations_check_row()', '', 'trigger', 'plpgsql', 'v', false, false, 'u', 'search_path=pg_catalog, pg_temp'),
    ('timepool.resources_location()', '', 'trigger', 'plpgsql', 'v', true, false, 'u', 'search_path=pg_catalog, pg_temp')$$,
  '1.7''s two trigger functions: no arguments, return trigger, plpgsql, VOLATILE, not strict, parallel unsafe, search_path pinned; resources_location SECURITY DEFINER, locations_check_row not');

SELECT * FROM finish();
ROLLBACK;
