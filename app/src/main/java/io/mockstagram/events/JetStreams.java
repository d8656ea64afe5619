package io.mockstagram.events;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;

/** Stream set-up shared by every stream the system owns. */
public final class JetStreams {

    /** JetStream's error code for "stream name already in use with a different configuration". */
    private static final int STREAM_NAME_IN_USE = 10058;

    private JetStreams() {
    }

    /** Creates the stream, or brings an existing one to this configuration. */
    public static void createOrUpdate(JetStreamManagement jsm, StreamConfiguration config)
            throws IOException, JetStreamApiException {
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                throw e;
            }
            jsm.updateStream(config);
        }
    }
}
