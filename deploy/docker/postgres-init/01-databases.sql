-- Run once by the postgres image's entrypoint, on an empty data directory
-- (/docker-entrypoint-initdb.d), as POSTGRES_USER: one database per service.
-- Each service owns its schema and applies it with `python -m <service> migrate`.
-- Adding a service to an existing volume: run the CREATE DATABASE by hand (this file is not re-run).
CREATE DATABASE org;
CREATE DATABASE crm;
CREATE DATABASE telesales;
CREATE DATABASE appraisal;
CREATE DATABASE payroll;
