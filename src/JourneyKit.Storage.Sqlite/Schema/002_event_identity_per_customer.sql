-- JourneyKit SQLite schema, version 2: an event's identity is (customer, event_id), not event_id alone.
-- Version 1 made event ids unique across customers, so two customers whose exports both number events from 1 lost
-- each other's events. Every version 1 database satisfies the new, weaker constraint, so no row changes.
DROP INDEX IF EXISTS ux_events_event_id;
CREATE UNIQUE INDEX ux_events_customer_event_id ON events (customer, event_id) WHERE event_id IS NOT NULL;
