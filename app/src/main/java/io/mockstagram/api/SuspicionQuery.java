package io.mockstagram.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/** The body of {@code POST /api/v1/influencers/is_suspicious}: a reading as the GET returns it. */
record SuspicionQuery(long pk, long followerCount, long followingCount) {

    /** Accounts with at most this many followers per account they follow look bought. */
    static final double SUSPICIOUS_RATIO = 5.64;

    /** With nobody followed the ratio is infinite or undefined, and neither is suspicious. */
    boolean suspicious() {
        return (double) followerCount / followingCount <= SUSPICIOUS_RATIO;
    }

    /** Reads the body; the exception's message says what is wrong, for a 400 answer. */
    static SuspicionQuery parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new IllegalArgumentException("send the reading as a JSON body");
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        return new SuspicionQuery(whole(json, "pk"), count(json, "followerCount"), count(json, "followingCount"));
    }

    private static long whole(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
        return value.longValue();
    }

    private static long count(JsonNode json, String field) {
        long count = whole(json, field);
        if (count < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
        return count;
    }
}
