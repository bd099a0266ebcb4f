-- JourneyKit PostgreSQL schema, version 1. Run by the store inside one transaction, under an advisory lock, with
-- search_path set to the store's schema (unqualified names below land there). Never edit a shipped script: add 002_….

-- One number per append call; with the event's position in its call it orders ties in append order.
CREATE SEQUENCE append_no AS bigint;

CREATE TABLE events (
    customer   text COLLATE "C" NOT NULL,
    ts         bigint           NOT NULL, -- UTC ticks: 100 ns units since 0001-01-01T00:00:00Z
    append_no  bigint           NOT NULL, -- from the append_no sequence, one per AppendAsync call
    append_pos integer          NOT NULL, -- 1-based position in that call
    touchpoint text COLLATE "C" NOT NULL,
    channel    text COLLATE "C",
    event_id   text COLLATE "C",
    value      double precision,
    attributes jsonb,                     -- object of strings, or NULL
    PRIMARY KEY (customer, ts, append_no, append_pos)
);
-- Idempotency: an event id is unique per customer (two customers may use the same id).
CREATE UNIQUE INDEX ux_events_customer_event_id ON events (customer, event_id) WHERE event_id IS NOT NULL;

CREATE TABLE journeys (
    id         text COLLATE "C" NOT NULL,
    version    integer          NOT NULL,
    definition text             NOT NULL, -- JourneyJson
    saved_at   timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version)
);

CREATE TABLE states (
    customer        text COLLATE "C" NOT NULL,
    journey         text COLLATE "C" NOT NULL,
    journey_version integer          NOT NULL,
    state           bytea            NOT NULL,
    etag            text             NOT NULL,
    due             bigint,                   -- UTC ticks, or NULL
    PRIMARY KEY (customer, journey)
) WITH (fillfactor = 80);
CREATE INDEX ix_states_due ON states (journey, due, customer) WHERE due IS NOT NULL;
