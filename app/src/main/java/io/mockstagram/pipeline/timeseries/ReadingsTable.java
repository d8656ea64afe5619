package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Namespace;

import java.nio.charset.StandardCharsets;

/**
 * Where one namespace's readings live: the table {@code readings} in the namespace's schema.
 * Names are always quoted, because a namespace may start with a digit, and qualified, so
 * that one connection pool can serve several namespaces (tests do) without search_path.
 */
public record ReadingsTable(String schema) {

    public static final String TABLE = "readings";
    public static final String AGGREGATES = "influencer_aggregates";

    /** PostgreSQL silently truncates longer identifiers, which would merge distinct namespaces. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    public ReadingsTable {
        if (schema.isEmpty() || schema.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new ConfigException("MOCKSTAGRAM_NAMESPACE: the database schema '" + schema + "' must be 1-"
                    + MAX_IDENTIFIER_BYTES + " bytes long");
        }
        if (schema.indexOf('"') >= 0) {
            throw new IllegalArgumentException("a schema name cannot contain a double quote: " + schema);
        }
    }

    public static ReadingsTable of(Namespace namespace) {
        return new ReadingsTable(namespace.databaseSchema());
    }

    /** The partitioned parent table, schema-qualified and quoted, for SQL text. */
    public String qualified() {
        return quote(schema) + "." + quote(TABLE);
    }

    /** The per-influencer aggregate table (V2), schema-qualified and quoted. */
    public String aggregates() {
        return quote(schema) + "." + quote(AGGREGATES);
    }

    public String qualified(HourlyPartition partition) {
        return quote(schema) + "." + quote(partition.name());
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
