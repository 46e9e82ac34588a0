--
-- lock_timeout: the setting timepool.lock_timeout, the longest wait for
-- one of timepool's locks (test/specs/lock_timeout.spec shows the waits
-- and the 55P03 they end with).
--

-- any call of timepool's loads the library, which defines the setting
SELECT timepool.pool_lock_key(1, '2099-01-03', 'MORNING') IS NOT NULL AS loaded;

-- the default: 5 s
SHOW timepool.lock_timeout;
SELECT setting, unit, context, min_val, max_val, boot_val
  FROM pg_settings WHERE name = 'timepool.lock_timeout';

-- milliseconds without a unit; any time unit
SET timepool.lock_timeout = 250;
SHOW timepool.lock_timeout;
SET timepool.lock_timeout = '2s';
SHOW timepool.lock_timeout;
SET timepool.lock_timeout = '1min';
SHOW timepool.lock_timeout;

-- 0: as long as PostgreSQL's lock_timeout allows
SET timepool.lock_timeout = 0;
SHOW timepool.lock_timeout;

-- refused: negative, not a number, not a time
SET timepool.lock_timeout = -1;
SET timepool.lock_timeout = '-5ms';
SET timepool.lock_timeout = 'soon';
SET timepool.lock_timeout = '5MB';

-- any role may set it for itself
CREATE ROLE tp_lock_timeout_user;
SET ROLE tp_lock_timeout_user;
SET timepool.lock_timeout = '300ms';
SHOW timepool.lock_timeout;
RESET ROLE;
DROP ROLE tp_lock_timeout_user;

RESET timepool.lock_timeout;
SHOW timepool.lock_timeout;
