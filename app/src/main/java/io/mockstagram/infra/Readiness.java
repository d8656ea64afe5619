package io.mockstagram.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Named checks that must all pass for a role to take work; each is reported on /health/ready. */
public final class Readiness {

    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public Readiness require(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    public Report report() {
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        for (var check : checks.entrySet()) {
            boolean up = check.getValue().getAsBoolean();
            ready &= up;
            results.put(check.getKey(), up ? "UP" : "DOWN");
        }
        return new Report(ready ? "UP" : "DOWN", results);
    }

    public record Report(String status, Map<String, String> checks) {
        public boolean isUp() {
            return "UP".equals(status);
        }
    }
}
