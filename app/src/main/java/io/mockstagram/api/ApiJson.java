package io.mockstagram.api;

import io.vertx.core.buffer.Buffer;

/**
 * The two answer bodies, written by hand: the GET answer is the hot path, and a generic
 * serializer costs more than the rest of the handler.
 */
final class ApiJson {

    private ApiJson() {
    }

    static Buffer reading(long pk, Counts counts) {
        return Buffer.buffer(new StringBuilder(112)
                .append("{\"pk\":").append(pk)
                .append(",\"username\":\"influencer-").append(pk)
                .append("\",\"followerCount\":").append(counts.followers())
                .append(",\"followingCount\":").append(counts.following())
                .append('}')
                .toString());
    }

    static Buffer verdict(long pk, boolean suspicious) {
        return Buffer.buffer("{\"pk\":" + pk + ",\"suspicious\":" + suspicious + "}");
    }
}
