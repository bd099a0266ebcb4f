-- JourneyKit SQLite schema, version 1.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    customer   TEXT    NOT NULL,
    touchpoint TEXT    NOT NULL,
    ts         INTEGER NOT NULL,          -- UTC ticks
    channel    TEXT,
    event_id   TEXT,
    value      REAL,
    attributes TEXT                       -- JSON object of strings, or NULL
);
CREATE UNIQUE INDEX ux_events_event_id ON events (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX ix_events_customer_ts ON events (customer, ts, seq);

CREATE TABLE journeys (
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    definition TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE states (
    customer        TEXT    NOT NULL,
    journey         TEXT    NOT NULL,
    journey_version INTEGER NOT NULL,
    state           BLOB    NOT NULL,
    etag            TEXT    NOT NULL,
    due             INTEGER,              -- UTC ticks, or NULL
    PRIMARY KEY (customer, journey)
);
CREATE INDEX ix_states_due ON states (journey, due, customer) WHERE due IS NOT NULL;
